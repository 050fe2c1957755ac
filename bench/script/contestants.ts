// The scripts measured: edgescore's, as built, and its peers, as their packages ship them.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { BenchError, root } from "../shared.ts";

/**
 * A contestant. It serves the .js files of `dir` under `prefix`; `scripts` are those its
 * page loads (sized in the bytes table); `head` is what its page embeds; `sends(url)` tells
 * a request of its that carries events.
 */
export interface Contestant {
  name: string;
  version?: string;
  pkg?: string;
  pkgDir?: string;
  prefix?: string;
  dir?: string;
  scripts?: string[];
  head: (origin: string) => string;
  sends: (url: string) => boolean;
}

/** An installed package's folder and version. */
function peer(pkg: string) {
  const pkgDir = path.join(root, "node_modules", pkg);
  if (!existsSync(path.join(pkgDir, "package.json"))) throw new BenchError(`${pkg} is not installed: run npm install (it is a dev dependency)`);
  return { pkg, pkgDir, version: JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version as string };
}

/**
 * The page with no script, edgescore's (its built files in `sdkDir`) on a page load inside and
 * outside the Web Vitals sample, Plausible's like for like and with its defaults, and PostHog's.
 */
export function contestants(sdkDir: string): Contestant[] {
  const plausible = peer("@plausible-analytics/tracker");
  const posthog = peer("posthog-js");
  const posthogOptions = (origin: string) => ({
    api_host: origin,
    advanced_disable_flags: true,
    opt_out_useragent_filter: true,
    request_queue_config: { flush_interval_ms: 250 },
  });
  const all: Contestant[] = [
    { name: "none", head: () => "", sends: () => false },
    // edgescore's default samples Web Vitals on 10% of page loads (docs/sdk.md#web-vitals-sampled):
    // its two kinds of page load are measured apart, and main.ts weighs them as the default does.
    ...(["sampled", "unsampled"] as const).map((kind): Contestant => ({
      name: `edgescore-${kind}`,
      version: JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version,
      prefix: "/edgescore/",
      dir: sdkDir,
      scripts: ["es.js", "es-captures.js", "es-vitals.js"],
      head: () => `<script async src="/edgescore/es.js" data-site="bench" data-vitals="${kind === "sampled" ? 1 : 0}"></script>`,
      sends: (url) => url.startsWith("/v1/collect"),
    })),
    // Plausible with the captures that match edgescore's (downloads, outbound links, forms), and with its defaults.
    ...([["plausible", true], ["plausible-default", false]] as const).map(([name, alike]): Contestant => ({
      name,
      ...plausible,
      prefix: "/plausible/",
      dir: plausible.pkgDir,
      scripts: ["plausible.js"],
      head: (origin) => `<script type="module">
import { init } from "/plausible/plausible.js";
init({ domain: "bench.example", endpoint: "${origin}/api/event", captureOnLocalhost: true${alike ? ", fileDownloads: true, outboundLinks: true, formSubmissions: true" : ""} });
</script>`,
      sends: (url) => url.startsWith("/api/event"),
    })),
    {
      name: "posthog",
      ...posthog,
      prefix: "/posthog/static/",
      dir: path.join(posthog.pkgDir, "dist"),
      scripts: ["array.js"],
      head: (origin) => `<script>window.posthog = { _i: [["phc_bench", ${JSON.stringify(posthogOptions(origin))}]] };</script>
<script async src="/posthog/static/array.js"></script>`,
      sends: (url) => /^\/(e|i\/v0\/e|batch|capture)\//.test(url),
    },
  ];
  for (const c of all) {
    for (const s of c.scripts ?? []) if (!existsSync(path.join(c.dir!, s))) throw new BenchError(`${path.join(c.dir!, s)} not found`);
  }
  return all;
}
