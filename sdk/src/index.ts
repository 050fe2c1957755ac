/**
 * es.js, the classic script (docs/sdk.md#install):
 *
 *   <script async src="https://EDGE_HOST/es.js" data-site="acme"></script>
 *
 * Reads its own tag's attributes, exposes `window.edgescore`, replays the calls the snippet
 * queued before it loaded (`edgescore.q`), and after the page's load imports es-vitals.js, the
 * lazy chunk (lazy.ts), from its own directory. Loaded twice, it starts once.
 */
import { E } from "./api.js";
import { start } from "./core.js";

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
      // A dynamic import of the classic chunk: it is served with Access-Control-Allow-Origin: *.
      () => import(new URL("es-vitals.js", s.src) as any).catch(() => {}),
      queued?.q,
    );
  }
} catch {}
