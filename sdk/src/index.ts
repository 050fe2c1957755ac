/**
 * es.js, the classic script (docs/sdk.md#install):
 *
 *   <script async src="https://EDGE_HOST/es.js" data-site="acme"></script>
 *
 * Reads its own tag's attributes, exposes `window.edgescore`, replays the calls the snippet
 * queued before it loaded (`edgescore.q`), and after the page's load imports es-captures.js, the
 * lazy chunk (lazy/extras.ts), from its own directory. Loaded twice, it starts once.
 */
import { E } from "./core/api.js";
import { start } from "./core/start.js";

try {
  const w = window as any;
  const queued = w.edgescore;
  const s = document.currentScript as HTMLScriptElement;
  const d = s.dataset;
  if (d.site && !queued?.flush) {
    w.edgescore = E;
    start(
      d as any,
      s.src,
      // A dynamic import of a classic chunk: they are served with Access-Control-Allow-Origin: *.
      (f) => import(new URL(f, s.src) as any).catch(() => {}),
      queued?.q,
    );
  }
} catch {}
