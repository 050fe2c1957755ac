// Runs the worker locally on workerd through `wrangler dev`: for `npm start` and
// for the browser tests, which need the real worker serving the real script.
import { spawn } from "node:child_process";

/**
 * Starts the worker on 127.0.0.1:`port` with its data in `persistTo`, and
 * resolves once /healthz answers. `stop()` ends it; `stop("SIGKILL")` kills it
 * outright, as a crash would.
 */
export async function startLocalWorker({ port, persistTo, vars, stdio = "inherit" }) {
  const args = [
    "wrangler", "dev",
    "--ip", "127.0.0.1", "--port", String(port),
    "--persist-to", persistTo,
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  const child = spawn("npx", args, {
    stdio: ["ignore", stdio, stdio],
    // A local run phones nowhere, and its requests carry miniflare's fixed `cf` (no
    // organisation) rather than this machine's network: on a cloud machine every local
    // visit would otherwise be bot traffic (docs/api.md, "Bot traffic").
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // wrangler starts workerd as a child of its own: end the whole group.
  const stop = (signal = "SIGTERM") => {
    try {
      process.kill(-child.pid, signal);
    } catch {}
    return exited;
  };
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, stop, exited };
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error("the worker did not become healthy in 2 minutes");
}
