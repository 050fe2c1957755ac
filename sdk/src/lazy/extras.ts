/**
 * The lazily loaded chunk (es-captures.js for the classic script, a split chunk of the ES
 * module), loaded after the page's load: the captures that can wait for it: forms, HubSpot
 * forms, downloads, `data-es-event` tagging, back/forward-cache page views and engagement,
 * each as `data-auto` (or `auto`) asks; and the identify of an `es_t` link token. Web Vitals
 * are a chunk of their own (vitals.ts), which this loads on the page loads in the sample
 * only (sample.ts, docs/sdk.md#web-vitals-sampled).
 *
 * Nothing happening before it runs is lost while the page stays: the core holds the events
 * these captures listen to (core/start.ts HELD) and this handles them first, in order. A page left
 * before its chunk ran keeps the links clicked on it (core/start.ts, `es_h`), and the next page's
 * chunk handles them as clicks of that page, at that time: downloads and tagged links are
 * sent. The left page's other held events (a tagged button, a form that posts) are lost with
 * it. It reaches the core through the public object's internals (core/start.ts Internals): `_a`
 * adds an event, `_o` holds the options, `_t` the token, `_b` the held events.
 */
import type { Internals } from "../core/start.js";
import { clean } from "../core/url.js";
import { on, safe, store } from "../core/util.js";
import type { Capture, Edgescore } from "../types.js";
import { downloads } from "./downloads.js";
import { engagement } from "./engagement.js";
import { forms } from "./forms.js";
import { hubspot } from "./hubspot.js";
import { navigations } from "./navigations.js";
import { restored } from "./restored.js";
import { sampled } from "./sample.js";
import { tagged } from "./tagged.js";
import type { Add, Listen } from "./types.js";
import { readToken } from "./token.js";

/** What a page left before its lazy chunk ran kept (core/start.ts): its address, when, and each held event's button and link. */
type Left = [string, number, [number, string | undefined][]];

/** Starts the lazy captures on the core's public object; once (the chunk may be loaded twice). */
export const extras = (api: Internals & Edgescore): void => {
  const held = api._b;
  if (!held) return;
  api._b = 0;
  const o = api._o;
  // The page and time of a click a left page kept, while a capture handles it; else none.
  let at: object | undefined;
  const add: Add = (type, fields, h) => api._a(type, { ...at, ...fields }, h);
  // Clicks and submits often leave the page: what they capture is sent at once.
  const now: Add = (type, fields) => (add(type, fields), void api.flush());
  const auto = (k: Capture) => (o.auto ?? k).includes(k);
  const kept = leftClicks();
  const listen: Listen = (type, f) => {
    for (const e of held) if (e.type == type) safe(f)(e as any);
    for (const [e, stamp] of kept) if (e.type == type) (at = stamp), safe(f)(e as any), (at = undefined);
    on(window, type, f);
  };
  tagged(now, listen);
  if (api._n) navigations(api._n), restored(add, listen);
  if (auto("forms")) forms(now, listen), hubspot(now, listen);
  if (auto("downloads")) downloads(now, listen, o.downloads);
  if (auto("engagement")) engagement(add);
  // web-vitals is a chunk of its own, loaded on the page loads in the sample only.
  if (auto("vitals") && sampled(o.vitals)) api._l("es-vitals.js");
  // The signed link token the core took out of the address bar: a verified identify.
  if (api._t) safe(() => add("identify", readToken(api._t!)))();
};

/**
 * The links clicked on a page left before its chunk ran (core/start.ts), taken once, as clicks
 * (a middle click as an auxclick) on an inert copy of each link (parsed: nothing loads or
 * runs; its address resolved against the page it was on), each with that page and time.
 */
const leftClicks = (): [Pick<MouseEvent, "type" | "button" | "target">, object][] => {
  const left: Left | null = store("es_h");
  if (!left) return [];
  store("es_h", null);
  const [url, ts, clicks] = left;
  return clicks.flatMap(([button, html]) => {
    if (!html) return [];
    const doc = new DOMParser().parseFromString(html, "text/html");
    doc.head.append(Object.assign(doc.createElement("base"), { href: url }));
    const target = doc.querySelector("a[href]");
    return target ? [[{ type: button ? "auxclick" : "click", button, target }, { ts, url: clean(url)?.href }]] : [];
  });
};
