/**
 * Events in, batches out (docs/sdk.md#delivery): the in-memory queue and its localStorage copy,
 * fetch keepalive / sendBeacon (both `text/plain`: no CORS preflight), backoff kept with
 * the queue (so the next page and other tabs honour it too), consent, and the visitor and
 * session ids. Nothing is sent or stored while consent is not granted: events wait in memory.
 *
 * localStorage (JSON): es_v visitor id; es_q [next attempt ms, failures in a row, events]
 * (undelivered); es_s last stage; es_c consent choice; es_h links clicked on a page left
 * before its lazy chunk ran (core.ts). sessionStorage: es_i session id.
 * With a cookie domain, the cookie es_v holds the visitor id too, and is read first.
 */
import type { CollectRequest, CollectResponse } from "../../shared/events.js";
import { backoff, bound, cut, MAX_QUEUE } from "./queue.js";
import { show } from "./stage.js";
import type { Options } from "./types.js";
import { clean } from "./url.js";
import { rid, safe, store } from "./util.js";

type Event = CollectRequest["events"][number];

let site: string;
/** The collect URL; unset until started. */
let url: string | URL;
let domain: string | undefined;
/** Whether consent is granted: only then is anything sent or stored. */
export let ok: boolean;
/** Events not yet sent, oldest first. */
let Q: Event[] = [];
let vid: string | 0;
/** The session id: read once, by setup; made on first use when there is none. */
export let sid: string | 0;
/** The batch timer; 1 until the first flush, so that what is added while starting leaves with it, no timer of its own. */
let timer: ReturnType<typeof setTimeout> | 0 | 1 = 1;
/** The time before which nothing is sent, and the failures in a row. */
let next = 0;
let fails = 0;
/** The chain of send loops: one at a time, in order. */
let P: Promise<unknown> = Promise.resolve();

/**
 * Sets where (`o.api`, else `base`) and as whom events go, reads the session id, and answers
 * whether consent is granted: a choice made on an earlier page wins; else granted unless
 * required, or refused by GPC. Not granted: nothing of the visitor's is kept.
 */
export const setup = (o: Options, base: string) => {
  site = o.site;
  url = new URL("/v1/collect", o.api || base);
  domain = o.cookieDomain;
  sid = store("es_i");
  (ok = store("es_c") ?? (o.consent != "required" && !(o.gpc != "ignore" && (navigator as any).globalPrivacyControl))) || forget();
};

/**
 * Queues an event of `type` on this page now, with its own fields; sends it soon. A `held`
 * event waits for the next batch or the page's hide instead of starting a batch of its own
 * (Web Vitals: one request less per page). What the page's hide queues (engagement, vitals)
 * leaves in one beacon, sent by the core's hide handlers once every other has run (core.ts).
 */
export const add = (type: Event["type"], fields?: object, held?: 1): void => {
  if (Q.push({ id: rid(), type, ts: Date.now(), url: clean(location as any)?.href, ...fields, bot: navigator.webdriver || undefined } as Event) > MAX_QUEUE) Q.shift();
  held || (timer ||= setTimeout(flush, 500));
};

/** Sends the queue now; resolves when it is delivered or persisted (or nothing may be sent). */
export const flush = (): Promise<unknown> => ((timer = 0), (P = P.then(() => send())));

/** Sends what is queued with sendBeacon (page hidden or left), synchronously; keeps what the browser refuses or the backoff holds. */
export const bye = () => send(1);

/**
 * Sends batch after batch until the queue is empty, or keeps it (persisted) for later: with
 * fetch keepalive, whose answer carries the stage, or with `beacon` by sendBeacon, all
 * before the first await, so within the page-hide handler.
 */
const send = async (beacon?: 1) => {
  try {
    while (ok && url) {
      // The persisted queue (older; maybe another tab's) goes in front of the in-memory one, with its backoff.
      let kept = store("es_q");
      if (kept) ([next, fails, kept] = kept), (Q = kept.concat(Q)), store("es_q", null);
      const wait = next - Date.now();
      if (wait > 0) return keep(), beacon || (timer = setTimeout(flush, wait));
      if (!Q[0]) return;
      const batch = cut(Q);
      if (beacon) {
        if (!navigator.sendBeacon(url, body(batch))) return (Q = batch.concat(Q)), keep();
      } else {
        const text = body(batch);
        const sender = vid;
        // A request cut off by the page leaving is no failure: Chromium rejects it as the page
        // unloads (in its pagehide, maybe before bye), yet carries the keepalive request on to the
        // worker. So a rejection counts a task later, which a page gone never reaches: no backoff
        // is kept for the next page, nor a batch already on its way.
        const r = await fetch(url, { method: "POST", body: text, keepalive: true }).catch(() => new Promise<0>((f) => setTimeout(f, 0, 0)));
        // Read before the check: a visitor forgotten while its answer is read gets no stage.
        const a = (r as Response).ok && (await (r as Response).json());
        // Forgotten meanwhile (consent refused, reset): neither the answer nor a retry belongs to anyone.
        if (vid != sender) return;
        if (a) (fails = 0), answer(a);
        // A network error (or an answer CORS hides), a rate limit, an outage: back off and keep
        // the batch. Any other answer refuses it for good: it is dropped.
        else if (!((r as Response).status < 429)) {
          Q = batch.concat(Q);
          next = Date.now() + backoff(++fails, (r as Response).headers?.get("Retry-After"));
        }
      }
    }
  } catch {}
};

/** Persists the queue (if any), bounded, with the backoff; the memory copy goes once stored. */
const keep = () => Q[0] && store("es_q", [next, fails, bound(Q)]) && (Q = []);

/** Writes (or with max-age 0, deletes) the visitor id cookie on the cookie domain, if any. */
const cookie = safe((value: string | 0, maxAge: number) => domain && (document.cookie = `es_v=${value};domain=${domain};path=/;max-age=${maxAge}`));

/**
 * The collect request for `events`. On first use (per page, and after forget) reads the visitor
 * id (the cookie's first) or makes one, and stores both ids, once.
 */
const body = (events: Event[]): string => {
  if (!vid) {
    vid = safe(() => domain && /es_v=([\w-]+)/.exec(document.cookie)?.[1])() || store("es_v") || rid();
    store("es_v", vid);
    cookie(vid, 4e7);
    store("es_i", (sid ||= rid()));
  }
  return JSON.stringify({ site, vid, sid, events } as CollectRequest);
};

/** Applies a collect answer: `reset: true` forgets the visitor; a stage is kept and shown. */
const answer = (r: CollectResponse) =>
  r.reset ? forget() : r.stage && (store("es_s", (r = { stage: r.stage, score: r.score, mql: r.mql } as CollectResponse)), show(r));

/** Forgets the visitor: its ids (storage and cookie), the queue and the cached stage. */
export const forget = (): void => {
  Q = [];
  vid = sid = 0;
  // es_v, es_q, es_s, es_h, es_i (spelt by letter: 5 bytes less).
  for (const k of "vqshi") store("es_" + k, null);
  cookie(0, 0);
  show(null);
};

/** Grants or refuses consent, remembered across pages; refusing forgets the visitor. */
export const consent = (granted: boolean): void => {
  store("es_c", (ok = !!granted));
  ok ? flush() : forget();
};
