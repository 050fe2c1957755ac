import { describe, expect, it } from "vitest";
import { backoff, bound, cut, MAX_BACKOFF, MAX_BATCH, MAX_BATCH_CHARS, MAX_QUEUE, MAX_QUEUE_CHARS } from "../../../sdk/src/core/queue";

const events = (n: number, size = 10) => Array.from({ length: n }, (_, i) => ({ id: `e${i}`, pad: "x".repeat(size) }));
const chars = (q: unknown[]) => JSON.stringify(q).length;

describe("bound: the kept queue", () => {
  it("keeps the newest MAX_QUEUE events", () => {
    const q = bound(events(150));
    expect(q).toHaveLength(MAX_QUEUE);
    expect(q[0]!.id).toBe("e51");
    expect(q.at(-1)!.id).toBe("e149");
  });

  it("keeps at most MAX_QUEUE_CHARS characters of JSON, newest first", () => {
    const q = bound(events(60, 2000));
    expect(chars(q)).toBeLessThanOrEqual(MAX_QUEUE_CHARS);
    expect(q.at(-1)!.id).toBe("e59");
    expect(q.length).toBeGreaterThan(20);
  });

  it("leaves a small queue alone", () => {
    expect(bound(events(3))).toEqual(events(3));
    expect(bound([])).toEqual([]);
  });
});

describe("cut: the next batch", () => {
  it("takes at most MAX_BATCH events from the front", () => {
    const q = events(45);
    const batch = cut(q);
    expect(batch.map((e) => e.id)).toEqual(events(MAX_BATCH).map((e) => e.id));
    expect(q).toHaveLength(45 - MAX_BATCH);
    expect(q[0]!.id).toBe(`e${MAX_BATCH}`);
  });

  it("stays under MAX_BATCH_CHARS, so a body stays well under 64 KiB of UTF-8", () => {
    const q = events(20, 3000);
    const batch = cut(q);
    expect(chars(batch)).toBeLessThan(MAX_BATCH_CHARS + 100);
    expect(batch.length).toBeLessThan(20);
    // Even all three-byte characters: under the 64 KiB keepalive budget.
    expect(MAX_BATCH_CHARS * 3 + 200).toBeLessThan(64 * 1024);
  });

  it("always takes the first event, even one over the limit, so the queue moves on", () => {
    const q = events(2, 20_000);
    expect(cut(q)).toHaveLength(1);
    expect(q).toHaveLength(1);
  });

  it("empties the queue batch by batch", () => {
    const q = events(50, 500);
    let n = 0;
    while (q.length) n += cut(q).length;
    expect(n).toBe(50);
  });
});

describe("backoff: the wait after the n-th failure in a row", () => {
  it("doubles from 2 s, jittered up by at most half", () => {
    expect(backoff(1, null, 0)).toBe(2000);
    expect(backoff(2, null, 0)).toBe(4000);
    expect(backoff(3, null, 0)).toBe(8000);
    expect(backoff(3, null, 0.999)).toBeLessThan(12_000);
    expect(backoff(3, null, 0.5)).toBe(10_000);
  });

  it("is capped, however many failures", () => {
    expect(backoff(30, null, 0)).toBe(MAX_BACKOFF);
    expect(backoff(1000, null, 0.999)).toBeLessThan(MAX_BACKOFF * 1.5);
  });

  it("honours Retry-After (seconds), jittered up only", () => {
    expect(backoff(1, "2", 0)).toBe(2000);
    expect(backoff(1, "2", 0.999)).toBeLessThan(3000);
    expect(backoff(9, "2", 0)).toBe(2000);
    expect(backoff(1, "3600", 0)).toBe(3_600_000);
  });

  it("falls back to the exponential wait on an absent or unreadable Retry-After", () => {
    for (const h of [undefined, null, "", "0", "soon", "Wed, 21 Oct 2026 07:28:00 GMT"]) expect(backoff(2, h, 0)).toBe(4000);
  });

  it("uses Math.random for the jitter by default", () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoff(4, null)));
    expect(waits.size).toBeGreaterThan(1);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(16_000);
  });
});
