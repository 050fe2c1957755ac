// `npm run bench`: installs what is missing, then prints every measured figure. Each
// benchmark is a folder of bench/, in TypeScript, run through ts-hooks.mjs:
//   bench/script    the browser script: bytes, and main-thread cost in Chromium
//                   against peers loaded on the same page in the same run
//   bench/collect   the collect API's throughput in workerd, against baselines
//   bench/claims    whether /v1/collect's time says if an email has a lead
//   bench/crm       how long an MQL made by collect takes to reach HubSpot and Salesforce
// Each prints its own table and ratios; docs/benchmark.md explains how to read them.
// `npm run bench -- script`, `-- collect`, `-- claims` or `-- crm` runs one; `-- --soak` the collect API's
// bounded long run; other arguments pass through.
import { spawnSync } from "node:child_process";
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps();

const parts = ["script", "collect", "claims", "crm"];
// `--soak` is the collect API's long run (bench/collect/soak.ts).
const chosen = process.argv.includes("--soak") ? ["collect"] : parts.filter((p) => process.argv.includes(p));
const rest = process.argv.slice(2).filter((a) => !parts.includes(a));
const hooks = new URL("ts-hooks.mjs", import.meta.url).href;
let status = 0;
for (const part of chosen.length ? chosen : parts) {
  const run = spawnSync(process.execPath, ["--enable-source-maps", "--import", hooks, `bench/${part}/main.ts`, ...rest], { stdio: "inherit" });
  status ||= run.status ?? 1;
}
process.exit(status);
