import { describe, expect, it } from "vitest";
import { ExpiringMap } from "../../../worker/src/lib/expiring-map";

describe("ExpiringMap", () => {
  it("answers an entry until it expires, a missing value (null) included", () => {
    const map = new ExpiringMap<string, string | null>(1_000, 10);
    map.set("acme", "Acme", 0);
    map.set("nope", null, 0);
    expect(map.get("acme", 999)).toMatchObject({ value: "Acme" });
    expect(map.get("nope", 999)).toMatchObject({ value: null });
    expect(map.get("acme", 1_000)).toBeUndefined();
    expect(map.get("other", 0)).toBeUndefined();
  });

  it("holds at most its bound however many keys are written, the one written longest ago leaving first", () => {
    const map = new ExpiringMap<string, number>(60_000, 100);
    map.set("busy", 0, 0);
    for (let i = 0; i < 10_000; i++) {
      map.set(`made-up-${i}`, i, i);
      if (i % 50 === 0) map.set("busy", i, i); // written again: the newest once more
    }
    expect(map.size).toBe(100);
    expect(map.get("busy", 10_000)).toMatchObject({ value: 9_950 });
    expect(map.get("made-up-9999", 10_000)).toMatchObject({ value: 9_999 });
    expect(map.get("made-up-0", 10_000)).toBeUndefined();
  });
});
