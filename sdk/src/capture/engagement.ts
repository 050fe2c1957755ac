/**
 * Engagement (docs/sdk.md#what-it-captures): when the page is hidden or left, `props: { visibleMs, scrollPct }`:
 * the time it was visible since it was last shown (since the navigation started, for the
 * first time, as this code loads after the page), and the deepest scroll so far, in percent
 * of the page's height seen.
 */
import type { Add } from "./types.js";
import { on } from "../util.js";

export const engagement = (add: Add): void => {
  let shown = document.hidden ? 0 : Date.now() - performance.now();
  let deepest = 0;
  const scrolled = () => {
    deepest = Math.max(deepest, Math.min(100, Math.round((100 * (scrollY + innerHeight)) / document.documentElement.scrollHeight)) || 0);
  };
  const hidden = () => {
    if (shown) {
      scrolled();
      add("engagement", { props: { visibleMs: Math.round(Date.now() - shown), scrollPct: deepest } });
      shown = 0;
    }
  };
  const changed = () => (document.hidden ? hidden() : (shown ||= Date.now()));
  // Measured on scroll and when hidden, not now: reading the page's height may force a layout.
  on(window, "scroll", scrolled);
  on(document, "visibilitychange", changed);
  on(window, "pageshow", changed);
  on(window, "pagehide", hidden);
};
