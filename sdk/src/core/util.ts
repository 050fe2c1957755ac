/** Small helpers shared by every part, in the core and in the lazy chunk. */

/** `f`, never throwing: the script never throws into the host page. */
export const safe =
  <A extends unknown[], R>(f: (...a: A) => R) =>
  (...a: A): R | undefined => {
    try {
      return f(...a);
    } catch {}
  };

/** Listens (capture phase, so a page's stopPropagation hides nothing) with a handler that never throws. */
export const on = (target: EventTarget, type: string, f: (e: any) => unknown) => target.addEventListener(type, safe(f), true);

/**
 * The JSON kept under `key` in localStorage (sessionStorage for es_i, the session id): read
 * when `value` is undefined, else written, or removed when null. Never throws (storage may be
 * disabled, full or refused): a missing key answers null, a failed read undefined, a failed
 * write something falsy. (A missing key is parsed as "null", not thrown over: exceptions are
 * dear.)
 */
export const store = (key: string, value?: unknown): any => {
  try {
    const s: any = key == "es_i" ? sessionStorage : localStorage;
    return value === undefined ? JSON.parse(s[key] ?? null) : value === null ? delete s[key] : (s[key] = JSON.stringify(value));
  } catch {}
};

/**
 * A random id for visitors, sessions and events: about 10 random characters [0-9a-z], then
 * the time in base 36, so at least 8 characters. (Math.random, not crypto: 12 bytes less;
 * the ids must be unique, and no other site sees them.)
 */
export const rid = () => Math.random().toString(36).slice(2) + Date.now().toString(36);
