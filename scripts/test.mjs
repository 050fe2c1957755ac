// `npm test`: installs what is missing, then runs every check: types, then all
// test projects (unit in Node, worker inside workerd), closing on one plain
// "N passed, N failed" line.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps();

function run(command, args) {
  console.log(`\n$ ${command} ${args.join(" ")}`);
  return spawnSync(command, args, { stdio: "inherit" }).status ?? 1;
}

if (run("npx", ["tsc", "-p", "tsconfig.json"]) !== 0) process.exit(1);

const dir = mkdtempSync(join(tmpdir(), "edgescore-test-"));
const report = join(dir, "vitest.json");
const status = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)]);
try {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, "utf8"));
  console.log(`\ntests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
} catch {
  console.log("\ntests: no report (the runner did not finish)");
}
rmSync(dir, { recursive: true, force: true });
process.exit(status);
