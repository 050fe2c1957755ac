// `npm start`: installs what is missing, runs the worker locally on workerd at
// http://127.0.0.1:${PORT:-8787} with its data kept in .wrangler/state, and makes
// sure the `demo` site exists (default model, local origins).
import { spawn } from "node:child_process";
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps();

const port = process.env.PORT ?? "8787";
const adminToken = process.env.ADMIN_TOKEN ?? "dev-admin-token";
const identitySecret = process.env.IDENTITY_SECRET ?? "dev-identity-secret";
const base = `http://127.0.0.1:${port}`;

const wrangler = spawn("npx", [
  "wrangler", "dev",
  "--ip", "127.0.0.1", "--port", port,
  "--persist-to", ".wrangler/state",
  "--var", `ADMIN_TOKEN:${adminToken}`,
  "--var", `IDENTITY_SECRET:${identitySecret}`,
  "--show-interactive-dev-session=false",
], {
  stdio: ["ignore", "inherit", "inherit"],
  // A local run phones nowhere.
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
wrangler.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => wrangler.kill(signal));

await waitForHealth();
await ensureDemoSite();
console.log(`\nedgescore is running at ${base}  (health: ${base}/healthz, admin token: ${adminToken === "dev-admin-token" ? "dev-admin-token" : "from ADMIN_TOKEN"})\n`);

async function waitForHealth() {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error("edgescore: the worker did not become healthy in 2 minutes");
  wrangler.kill();
  process.exit(1);
}

async function ensureDemoSite() {
  const auth = { Authorization: `Bearer ${adminToken}` };
  const existing = await fetch(`${base}/v1/sites/demo`, { headers: auth });
  if (existing.status === 200) return;
  const origins = [base, `http://localhost:${port}`];
  const created = await fetch(`${base}/v1/sites/demo`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Demo", origins }),
  });
  if (!created.ok) console.error(`edgescore: could not create the demo site: ${created.status} ${await created.text()}`);
}
