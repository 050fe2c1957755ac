/**
 * The lazily loaded chunk (es-vitals.js for the classic script, a split chunk of the ES
 * module), loaded after the page's load: the captures that can wait for it: forms, HubSpot
 * forms, downloads, `data-es-event` tagging, back/forward-cache page views, engagement and
 * Web Vitals, each as `data-auto` (or `auto`) asks; and the identify of an `es_t` link token.
 *
 * Nothing happening before it runs is lost: the core holds the events these captures
 * listen to (core.ts HELD) and this handles them first, in order. A page left before the
 * chunk ran keeps the links clicked on it for the next page's chunk (downloads.ts); its other
 * held events (a tagged click, a form that posts) are lost with it. It reaches the core
 * through the public object's internals (core.ts Internals): `_a` adds an event, `_o`
 * holds the options, `_t` the token, `_b` the held events.
 */
import { downloads, type Left } from "./capture/downloads.js";
import { engagement } from "./capture/engagement.js";
import { forms } from "./capture/forms.js";
import { hubspot } from "./capture/hubspot.js";
import { restored } from "./capture/restored.js";
import { tagged } from "./capture/tagged.js";
import { vitals } from "./capture/vitals.js";
import type { Internals } from "./core.js";
import { readToken } from "./token.js";
import type { Capture, Edgescore } from "./types.js";
import { on, safe, store } from "./util.js";

/** The core's add(type, fields): queues an event. */
export type Add = Internals["_a"];

/** Listens to a HELD event type on window (capture phase, like the core), after handling those held. */
export type Listen = <E extends Event>(type: string, f: (e: E) => unknown) => void;

/** Starts the lazy captures on the core's public object; once (the chunk may be loaded twice). */
export const extras = (api: Internals & Edgescore): void => {
  const held = api._b;
  if (!held) return;
  api._b = 0;
  const o = api._o;
  const add: Add = api._a;
  // Clicks and submits often leave the page: what they capture is sent at once.
  const now: Add = (type, fields) => (add(type, fields), void api.flush());
  const auto = (k: Capture) => (o.auto ?? k).includes(k);
  const listen: Listen = (type, f) => {
    for (const e of held) if (e.type == type) safe(f)(e as any);
    on(window, type, f);
  };
  tagged(now, listen);
  if (auto("pageview")) restored(add, listen);
  if (auto("forms")) forms(now, listen), hubspot(now, listen);
  // What a page left before its chunk ran kept (core.ts): taken once, whatever the captures.
  const left: Left | null = store("es_h");
  if (left) store("es_h", null);
  if (auto("downloads")) downloads(now, listen, o.downloads, left);
  if (auto("engagement")) engagement(add);
  if (auto("vitals")) vitals(add);
  // The signed link token the core took out of the address bar: a verified identify.
  if (api._t) safe(() => add("identify", readToken(api._t!)))();
};
