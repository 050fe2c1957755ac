// `npm test`: installs what is missing, then runs every check: types (worker and
// shared, the browser script, the browser tests, the benchmarks), import cycles (dpdm), then every test project (unit
// in Node, worker inside workerd, browser script in Chromium, Firefox and WebKit), closing on one
// plain "N passed, N failed" line.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps();

// The browser engines the browser tests drive (docs/browsers.md), each a Debian package.
const engines = [
  ["Chromium", process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", "chromium", "CHROMIUM_PATH"],
  ["Firefox ESR", process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr", "firefox-esr", "FIREFOX_PATH"],
  ["WebKitWebDriver", process.env.WEBKIT_WEBDRIVER_PATH ?? "/usr/bin/WebKitWebDriver", "webkit2gtk-driver", "WEBKIT_WEBDRIVER_PATH"],
  ["Xvfb", "/usr/bin/Xvfb", "xvfb", undefined],
];
const missing = engines.filter(([, path]) => !existsSync(path));
if (missing.length) {
  // Under CI, .ci/run installs them first; anywhere else, say how.
  for (const [name, path, , env] of missing) console.error(`edgescore: the browser tests need ${name} at ${path}${env ? ` (or set ${env})` : ""}.`);
  console.error(`  Install with: sudo apt-get install -y ${missing.map(([, , pkg]) => pkg).join(" ")}`);
  process.exit(1);
}

function run(command, args) {
  console.log(`\n$ ${command} ${args.join(" ")}`);
  return spawnSync(command, args, { stdio: "inherit" }).status ?? 1;
}

for (const project of ["tsconfig.json", "sdk/tsconfig.json", "test/browser/tsconfig.json", "bench/tsconfig.json"]) {
  if (run("npx", ["tsc", "-p", project]) !== 0) process.exit(1);
}
// Any import cycle fails, type-only ones too: the folders are layers, and imports run one way (docs/architecture.md).
if (run("npm", ["run", "--silent", "cycles"]) !== 0) process.exit(1);
// Built before the tests: the worker serves it, and its size is a test.
if (run("node", ["scripts/build-sdk.mjs"]) !== 0) process.exit(1);

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
