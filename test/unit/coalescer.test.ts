import { describe, expect, it } from "vitest";
import { coalescer } from "../../worker/src/lib/concurrency";

/** A send whose calls the test finishes one by one. */
function controlled() {
  const calls: { key: string; items: number[]; finish: (err?: Error) => void }[] = [];
  const send = (key: string, items: number[]) =>
    new Promise<void>((resolve, reject) => calls.push({ key, items: [...items], finish: (err) => (err ? reject(err) : resolve()) }));
  return { calls, send };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("coalescer: one call at a time per key, carrying what arrived meanwhile", () => {
  it("sends a lone item at once, and gathers the items that come while a call is under way", async () => {
    const { calls, send } = controlled();
    const add = coalescer(send);
    const first = add("a", 1);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    const later = [add("a", 2), add("a", 3)];
    const otherKey = add("b", 9);
    await tick();
    // Key b does not wait for key a; a's next call waits for its first.
    expect(calls.map((c) => [c.key, c.items])).toEqual([["a", [1]], ["b", [9]]]);
    calls[0]!.finish();
    await first;
    await tick();
    expect(calls.map((c) => [c.key, c.items])).toEqual([["a", [1]], ["b", [9]], ["a", [2, 3]]]);
    calls[2]!.finish();
    calls[1]!.finish();
    await Promise.all([...later, otherKey]);
  });

  it("gives each caller its own call's outcome: a failed call fails its callers only", async () => {
    const { calls, send } = controlled();
    const add = coalescer(send);
    const first = add("a", 1);
    await tick();
    const second = add("a", 2);
    calls[0]!.finish(new Error("object unavailable"));
    await expect(first).rejects.toThrow("object unavailable");
    await tick();
    expect(calls[1]!.items).toEqual([2]);
    calls[1]!.finish();
    await expect(second).resolves.toBeUndefined();
    // Nothing waits afterwards: a new item goes at once.
    const third = add("a", 3);
    await tick();
    expect(calls[2]!.items).toEqual([3]);
    calls[2]!.finish();
    await third;
  });
});
