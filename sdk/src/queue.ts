/** The pure parts of delivery (docs/sdk.md#delivery): queue bounds, batch cutting and backoff. No DOM. */

/** Most events kept in the queue (in memory, and in localStorage). */
export const MAX_QUEUE = 99;
/** Most characters of the kept queue's JSON (localStorage is small, and the host page's too). */
export const MAX_QUEUE_CHARS = 5e4;
/** Most events in one request (the worker takes 50). */
export const MAX_BATCH = 20;
/**
 * Most characters of one batch's events: 16 000 UTF-16 units are at most 48 KB of UTF-8,
 * well under the 64 KiB a page may have in flight with keepalive / sendBeacon.
 */
export const MAX_BATCH_CHARS = 16e3;
/** Longest wait between attempts, however many failed (a Retry-After may ask for more). */
export const MAX_BACKOFF = 3e5;

/** `q` without its oldest events until it holds at most MAX_QUEUE events and MAX_QUEUE_CHARS characters of JSON. */
export const bound = <T>(q: T[]): T[] => {
  while (q[MAX_QUEUE] || JSON.stringify(q).length > MAX_QUEUE_CHARS) q.shift();
  return q;
};

/** Removes and returns the next batch from the front of `q`: its first event, then more within the batch limits. */
export const cut = <T>(q: T[]): T[] => {
  let i = 0;
  for (let n = 0; q[i] && i < MAX_BATCH && (n += JSON.stringify(q[i]).length) < MAX_BATCH_CHARS; ) i++;
  return q.splice(0, i || 1);
};

/**
 * Milliseconds to wait after the `n`-th failure in a row: the answer's `Retry-After` (seconds)
 * when it gives one, else 2^n s capped at MAX_BACKOFF; then jittered up by 0–50 % (`r` in
 * [0, 1)) so that browsers sent away together do not come back together.
 */
export const backoff = (n: number, retryAfter: string | null | undefined, r = Math.random()): number =>
  1e3 * (+retryAfter! || Math.min(MAX_BACKOFF / 1e3, 2 ** n)) * (1 + r / 2);
