/**
 * The lazily loaded chunk (es-vitals.js for the classic script, a split chunk of the ES
 * module), loaded after the page's load: the captures that can wait for it: forms, HubSpot
 * forms, downloads, `data-es-event` tagging, back/forward-cache page views, engagement and
 * Web Vitals, each as `data-auto` (or `auto`) asks; and the identify of an `es_t` link token.
 *
 * Nothing happening before it runs is lost while the page stays: the core holds the events
 * these captures listen to (core.ts HELD) and this handles them first, in order. A page left
 * before its chunk ran keeps the links clicked on it (core.ts, `es_h`), and the next page's
 * chunk handles them as clicks of that page, at that time: downloads and tagged links are
 * sent. The left page's other held events (a tagged button, a form that posts) are lost with
 * it. It reaches the core through the public object's internals (core.ts Internals): `_a`
 * adds an event, `_o` holds the options, `_t` the token, `_b` the held events.
 */
import { downloads } from "./capture/downloads.js";
import { engagement } from "./capture/engagement.js";
import { forms } from "./capture/forms.js";
import { hubspot } from "./capture/hubspot.js";
import { restored } from "./capture/restored.js";
import { tagged } from "./capture/tagged.js";
import { vitals } from "./capture/vitals.js";
import type { Add, Listen } from "./capture/types.js";
import type { Internals } from "./core.js";
import { readToken } from "./token.js";
import type { Capture, Edgescore } from "./types.js";
import { clean } from "./url.js";
import { on, safe, store } from "./util.js";

/** What a page left before its lazy chunk ran kept (core.ts): its address, when, and each held event's button and link. */
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
  if (auto("pageview")) restored(add, listen);
  if (auto("forms")) forms(now, listen), hubspot(now, listen);
  if (auto("downloads")) downloads(now, listen, o.downloads);
  if (auto("engagement")) engagement(add);
  if (auto("vitals")) vitals(add);
  // The signed link token the core took out of the address bar: a verified identify.
  if (api._t) safe(() => add("identify", readToken(api._t!)))();
};

/**
 * The links clicked on a page left before its chunk ran (core.ts), taken once, as clicks
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
