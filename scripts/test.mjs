// `npm test`: installs what is missing, then runs every check: types, then all
// test projects (unit in Node, worker inside workerd).
import { spawnSync } from "node:child_process";
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps();

function run(command, args) {
  console.log(`\n$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run("npx", ["tsc", "-p", "tsconfig.json"]);
run("npx", ["vitest", "run", ...process.argv.slice(2)]);
