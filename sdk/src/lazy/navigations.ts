/**
 * Page views of SPA navigations (docs/sdk.md#what-it-captures): pushState, replaceState and
 * popstate, each checked a task later (once routers have also set the new title) by the
 * core's `changed` (core/pageview.ts), which sends a page view when the path changed. Checked
 * once as this starts too: a navigation made before the chunk ran (the last one) counts then.
 */
import { on } from "../core/util.js";

export const navigations = (changed: () => unknown): void => {
  const navigated = () => setTimeout(changed);
  changed();
  on(window, "popstate", navigated);
  for (const k of ["pushState", "replaceState"] as const) {
    const f = history[k];
    history[k] = function (this: History) {
      f.apply(this, arguments as any);
      navigated();
    };
  }
};
