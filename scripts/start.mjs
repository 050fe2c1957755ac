// `npm start`: installs what is missing, builds the browser script and the demo
// site, runs the worker locally on workerd at http://127.0.0.1:${PORT:-8787} with
// its data kept in .wrangler/state, and makes sure the `demo` site exists
// (default model, local origins).
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps();
// Imported after the install: the builds need esbuild.
const { buildSdk } = await import("./build-sdk.mjs");
const { buildDemo } = await import("./build-demo.mjs");
const { startLocalWorker } = await import("./local-worker.mjs");

const port = process.env.PORT ?? "8787";
const adminToken = process.env.ADMIN_TOKEN ?? "dev-admin-token";
const identitySecret = process.env.IDENTITY_SECRET ?? "dev-identity-secret";

await buildSdk();
buildDemo();
const worker = await startLocalWorker({
  port,
  persistTo: ".wrangler/state",
  // Every local request comes from 127.0.0.1: limit per visitor only.
  vars: { ADMIN_TOKEN: adminToken, IDENTITY_SECRET: identitySecret, RATE_LIMIT_EXEMPT: "127.0.0.1,::1", LOCAL_WEBHOOKS: "allow" },
}).catch((err) => {
  console.error(`edgescore: ${err.message}`);
  process.exit(1);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => worker.stop().then(() => process.exit(0)));
worker.exited.then((code) => process.exit(code ?? 0));

await ensureDemoSite(worker.url);
console.log(`\nedgescore is running at ${worker.url}
  demo site  ${worker.url}/   (click around: pricing, a download, the webinar, a demo request)
  script     ${worker.url}/es.js
  dashboard  ${worker.url}/dashboard   (sign in with the admin token below, pick the demo site)
  health     ${worker.url}/healthz
  admin      Authorization: Bearer ${adminToken === "dev-admin-token" ? "dev-admin-token" : "<ADMIN_TOKEN>"}
  stop       Ctrl-C (the data stays in .wrangler/state)\n`);

async function ensureDemoSite(base) {
  const auth = { Authorization: `Bearer ${adminToken}` };
  const existing = await fetch(`${base}/v1/sites/demo`, { headers: auth });
  if (existing.status === 200) return;
  const created = await fetch(`${base}/v1/sites/demo`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Demo", origins: [base, `http://localhost:${port}`] }),
  });
  if (!created.ok) console.error(`edgescore: could not create the demo site: ${created.status} ${await created.text()}`);
}
