// Runs TypeScript in Node (the benchmarks under bench/): `node --import ./scripts/ts-hooks.mjs
// file.ts`. Types are stripped with esbuild as each .ts module loads, without bundling, so
// `import.meta.url` and package resolution stay those of the source file. (Node 22.6+ can strip
// types itself; this keeps Node 20, which package.json's engines allow.)
import { readFile } from "node:fs/promises";
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";

// Imported first on the main thread, it registers itself; Node then loads it again on its
// hooks thread, where `load` below runs.
if (isMainThread) register(import.meta.url);

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const { transform } = await import("esbuild");
  const { code } = await transform(await readFile(new URL(url), "utf8"), {
    loader: "ts",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    sourcefile: url,
    sourcemap: "inline",
  });
  return { format: "module", source: code, shortCircuit: true };
}
