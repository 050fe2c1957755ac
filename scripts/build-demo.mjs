// Renders the demo marketing site (demo/pages/*.html into demo/layout.html) and
// copies its assets into the folder the worker serves. Local runs only: the demo
// is never deployed. Each page starts with a `---` block giving its title and route.
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const demo = path.join(root, "demo");

export function buildDemo(outDir = path.join(root, "dist/public")) {
  const layout = readFileSync(path.join(demo, "layout.html"), "utf8");
  for (const file of readdirSync(path.join(demo, "pages"))) {
    const source = readFileSync(path.join(demo, "pages", file), "utf8");
    const [, head, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? fail(`${file}: no --- header`);
    const meta = Object.fromEntries(head.split("\n").map((line) => line.split(/:\s*/, 2)));
    const html = layout.replace("{{title}}", meta.title).replace("{{body}}", body.trim());
    const dir = path.join(outDir, meta.route);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "index.html"), html);
  }
  cpSync(path.join(demo, "assets"), path.join(outDir, "assets"), { recursive: true });
}

function fail(message) {
  throw new Error(`build-demo: ${message}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildDemo();
