// `npm run bench`: installs what is missing, then prints every measured figure.
//   scripts/bench-script.mjs   the browser script: bytes, and main-thread cost in Chromium
//                              against peers loaded on the same page in the same run
//   scripts/bench-collect.mjs  the collect API's throughput in workerd, against baselines
// Each prints its own table and ratios; docs/benchmark.md explains how to read them.
// `npm run bench -- script` or `-- collect` runs one; `-- --soak` the collect API's
// bounded long run; other arguments pass through.
import { spawnSync } from "node:child_process";
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps();

const parts = ["script", "collect"];
// `--soak` is the collect API's long run (bench-collect.mjs).
const chosen = process.argv.includes("--soak") ? ["collect"] : parts.filter((p) => process.argv.includes(p));
const rest = process.argv.slice(2).filter((a) => !parts.includes(a));
let status = 0;
for (const part of chosen.length ? chosen : parts) {
  const run = spawnSync(process.execPath, [`scripts/bench-${part}.mjs`, ...rest], { stdio: "inherit" });
  status ||= run.status ?? 1;
}
process.exit(status);
