/**
 * The core script (docs/sdk.md: options, API, delivery), started from the script tag's attributes or init()'s
 * options: the public API, delivery (send.ts), consent, the stage (stage.ts), page views
 * (pageview.ts) and the `es_t` token's removal from the address bar. What can wait
 * for the page's load (forms, HubSpot forms, downloads, `data-es-event` tagging, bfcache page
 * views, engagement, Web Vitals, the token's identify) is the lazily loaded chunk's (lazy/extras.ts):
 * the core holds the events those captures need until it runs (HELD), and the chunk reaches
 * the core through the public object's internals (Internals).
 */
import type { StageView, Traits as WireTraits } from "../../../shared/events.js";
import { E } from "./api.js";
import { pageviews } from "./pageview.js";
import { add, bye, consent, flush, forget, ok, setup, sid } from "./send.js";
import { onStage, show } from "./stage.js";
import type { Capture, Edgescore, IdentityProof, Options, StageInfo, Traits } from "../types.js";
import { on, safe, store } from "./util.js";

// The public types must stay what the wire carries (type-level only: no bytes); an undefined trait is left out of the JSON.
type Is<T extends U, U> = T;
export type Checked = [Is<StageInfo, StageView>, Is<Traits, Partial<WireTraits>>];

const methods: Omit<Edgescore, "stage"> & Pick<Internals, "_a"> = {
  track: (name: string, props?: Record<string, unknown>) => add("track", { name, props }),
  identify: (traits: Traits, proof?: IdentityProof) => add("identify", { traits, ...proof }),
  consent,
  onStage,
  flush: flush as () => Promise<void>,
  reset: forget,
  _a: add,
};
for (const k in methods) (E as any)[k] = safe((methods as any)[k]);
(E as { stage: StageInfo | null }).stage = null;

/** What the lazy chunk (lazy/extras.ts) reads on `window.edgescore` (or the module's object). */
export interface Internals {
  /** Queues an event: add(type, fields, held). */
  _a: typeof add;
  /** The options the script started with. */
  _o: Options;
  /** Loads a lazy chunk by its classic file name (start's loadLazy). */
  _l: (file: string) => void;
  /** The `es_t` link token the page was opened with, or null. */
  _t: string | null;
  /** The HELD events that happened before the lazy chunk ran (the last 99); 0 once it runs. */
  _b: Event[] | 0;
  /** Sends a page view if the path changed since the last (with `auto` pageview; else unset). */
  _n?: () => unknown;
}

/**
 * Starts the script: `base` is the default of `options.api`; `loadLazy(file)` loads a lazy
 * chunk (es-captures.js, called after the page's load; es-vitals.js, by that chunk on the page
 * loads in the Web Vitals sample); `queued` are the snippet's calls made before, replayed.
 */
export const start = (o: Options, base: string, loadLazy: (file: string) => void, queued: ArrayLike<unknown>[] = []): void => {
  const auto = (k: Capture) => (o.auto ?? k).includes(k);
  (E as unknown as Internals)._o = o;
  (E as unknown as Internals)._l = loadLazy;
  setup(o, base);
  // The last stage, at once (none kept: null; 11 bytes less than checking it first).
  show(store("es_s") || null);
  // A signed link token leaves the address bar at once; the lazy chunk sends its identify.
  const u = new URL(location as any);
  const token = ((E as unknown as Internals)._t = u.searchParams.get("es_t"));
  if (token) u.searchParams.delete("es_t"), history.replaceState(history.state, "", u);
  if (auto("pageview")) (E as unknown as Internals)._n = pageviews(!sid, u);
  // HELD: the events the lazy chunk handles that may come before it runs (listened to on
  // window, in the capture phase, so also those of the document), held until it runs, when it
  // handles them first. (HubSpot's new forms announce their submissions with a window event
  // only long after the page's load, once their own script has come and the form is filled.)
  const held: Event[] = ((E as unknown as Internals)._b = []);
  // (The list inline, not a module constant: 8 bytes less in the core.)
  for (const type of ["click", "auxclick", "submit", "pageshow", "message"])
    on(window, type, (e: Event) => (E as unknown as Internals)._b && held.push(e) > 99 && held.shift());
  // Hidden (another tab) or left: the queue leaves in one beacon. Listened to last (on window,
  // bubbling), once the lazy chunk's handlers have queued engagement and Web Vitals.
  addEventListener("visibilitychange", () => document.hidden && bye());
  addEventListener("pagehide", () => {
    bye();
    // Left before the lazy chunk ran: the links clicked wait in storage (consent given) for the
    // chunk of the next page, so that no download or tagged link is lost (lazy/extras.ts).
    (E as unknown as Internals)._b && ok && store("es_h", [location.href, Date.now(), held.map((e: any) => [e.button, e.target.closest?.("a")?.outerHTML])]);
  });
  // The lazy chunk: after the page's load.
  const lazy = () => loadLazy("es-captures.js");
  document.readyState == "complete" ? lazy() : on(window, "load", lazy);
  for (const args of queued) E(...(args as [string]));
  // What start and the replayed calls queue goes out together, with what earlier pages kept.
  flush();
};
