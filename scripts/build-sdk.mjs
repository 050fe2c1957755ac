// Builds the browser script (docs/sdk.md#how-it-is-built-performance) with esbuild, and prints each file's size:
//   dist/public/es.js          the classic script (IIFE; esbuild, then terser), served at the site root
//   dist/public/es-captures.js its lazy chunk (sdk/src/lazy: the captures that wait for load),
//                              which es.js imports from its own directory
//   dist/public/es-vitals.js   web-vitals and its capture, which es.js imports likewise, only on
//                              the page loads in the Web Vitals sample
//   dist/public/v/<version>/   immutable copies of the three
//   dist/public/_headers       Workers Static Assets headers: CORS and caching of the scripts
//   dist/sdk/index.js          the ES module build (+ its lazy chunk, split), with .d.ts types
// `node scripts/build-sdk.mjs`, or `import { buildSdk } from "./build-sdk.mjs"`.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";
import { build } from "esbuild";
import { minify } from "terser";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "sdk", "src");

/**
 * Raw, gzip -9 and brotli (best) bytes of a file. `gzip` is what `gzip -9 <file>` writes, the
 * budget's measure: GNU gzip's own deflate, and the stored file name (zlib's level 9 comes out
 * a few bytes smaller, so it would pass a core over budget).
 */
export function sizes(file) {
  const bytes = readFileSync(file);
  const gzip = spawnSync("gzip", ["-9", "-c", file]);
  if (gzip.status !== 0) throw new Error(`gzip -9 ${file} failed: ${gzip.error?.message ?? gzip.stderr}`);
  return {
    raw: bytes.length,
    gzip: gzip.stdout.length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * Builds everything into dist/ (or `out`: its public/ and sdk/). `types: false` skips the
 * .d.ts (tsc takes seconds), `quiet: true` prints nothing. Answers each built script's
 * sizes: [{ file, raw, gzip, brotli }], `file` relative to `out`'s parent.
 */
export async function buildSdk({ types = true, quiet = false, out = join(root, "dist") } = {}) {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const pub = join(out, "public");
  const esm = join(out, "sdk");
  const classic = {
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    legalComments: "none",
    logLevel: "warning",
    // Not sdk/tsconfig.json: its `strict` would add a "use strict" the script does not need.
    tsconfigRaw: {},
  };
  mkdirSync(pub, { recursive: true });
  for (const [entry, file] of [["index", "es.js"], ["chunk", "es-captures.js"], ["chunk-vitals", "es-vitals.js"]]) {
    const { outputFiles } = await build({ ...classic, entryPoints: [`sdk/src/${entry}.ts`], write: false });
    // Terser after esbuild: its compression saves the core ~3% more (about 60 bytes gzipped).
    const { code } = await minify(outputFiles[0].text, { ecma: 2020, compress: { passes: 2 }, format: { comments: false } });
    // V8's explicit compile hint (Chrome 136+; a comment elsewhere): every function is compiled
    // while the file streams in, on a background thread, rather than each on the main thread when
    // first called (~1 ms of the core's start, measured). It costs the core ~24 bytes gzipped.
    writeFileSync(join(pub, file), `//# allFunctionsCalledOnLoad\n${code}`);
  }

  const versioned = join(pub, "v", version);
  mkdirSync(versioned, { recursive: true });
  for (const f of ["es.js", "es-captures.js", "es-vitals.js"]) copyFileSync(join(pub, f), join(versioned, f));
  writeFileSync(join(pub, "_headers"), headers());

  rmSync(esm, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    splitting: true,
    target: "es2020",
    entryPoints: { index: "sdk/src/module.ts" },
    outdir: esm,
    chunkNames: "[name]-[hash]",
    external: [],
    logLevel: "warning",
  });
  if (types) declarations(esm);

  const files = [join(pub, "es.js"), join(pub, "es-captures.js"), join(pub, "es-vitals.js"), ...readdirSync(esm).filter((f) => f.endsWith(".js")).map((f) => join(esm, f))];
  const report = files.map((file) => ({ file: relative(dirname(out), file).split(sep).join("/"), ...sizes(file) }));
  if (!quiet) {
    console.log("file".padEnd(34) + "raw".padStart(8) + "gzip -9".padStart(9) + "brotli".padStart(8));
    for (const r of report) console.log(r.file.padEnd(34) + String(r.raw).padStart(8) + String(r.gzip).padStart(9) + String(r.brotli).padStart(8));
  }
  return report;
}

/** The Workers Static Assets `_headers` file: scripts readable from any origin; short cache, immutable for /v/. */
function headers() {
  const rule = (path, cache) => `${path}\n  Access-Control-Allow-Origin: *\n  Cache-Control: ${cache}\n`;
  return [
    rule("/es.js", "public, max-age=300"),
    rule("/es-captures.js", "public, max-age=300"),
    rule("/es-vitals.js", "public, max-age=300"),
    rule("/v/*", "public, max-age=31536000, immutable"),
  ].join("");
}

/**
 * The module build's types: tsc emits declarations of the whole program into a temporary
 * folder; those index.d.ts (module.ts's) reaches are copied next to index.js. They must
 * stay inside sdk/src (the public types are self-contained, see types.ts).
 */
function declarations(out) {
  const tmp = mkdtempSync(join(tmpdir(), "edgescore-dts-"));
  try {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const args = [tsc, "-p", join(src, "..", "tsconfig.json"), "--noEmit", "false", "--declaration", "--emitDeclarationOnly", "--rootDir", root, "--outDir", tmp];
    const run = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`tsc failed:\n${run.stdout}${run.stderr}`);
    const from = join(tmp, "sdk", "src");
    const todo = [["module.d.ts", "index.d.ts"]];
    const done = new Set();
    while (todo.length) {
      const [file, as] = todo.pop();
      if (done.has(file)) continue;
      done.add(file);
      const text = readFileSync(join(from, file), "utf8");
      mkdirSync(dirname(join(out, as)), { recursive: true });
      writeFileSync(join(out, as), text);
      for (const [, spec] of text.matchAll(/(?:from|import\()\s*"(\.[^"]+)"/g)) {
        const target = relative(from, resolve(dirname(join(from, file)), spec.replace(/\.js$/, ".d.ts")));
        if (target.startsWith("..") || !existsSync(join(from, target))) throw new Error(`${file}: public types reach ${spec}, outside sdk/src`);
        todo.push([target, target]);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildSdk();
}
