// Installs dependencies when they are missing or the lockfile changed since the
// last install. Dependency-free on purpose: it runs before anything is installed
// (npm runs no install before a script).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const STAMP = "node_modules/.edgescore-lock-hash";

export function ensureDeps() {
  const hash = createHash("sha256").update(readFileSync("package-lock.json")).digest("hex");
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash) return;
  console.log("edgescore: installing dependencies (npm ci)…");
  // Errors only: npm warns about the install scripts it leaves unapproved, which none
  // of this project's tools need (esbuild and workerd ship prebuilt binaries), and a
  // newcomer's first `npm start` would read that as a failure.
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(STAMP, hash);
}
