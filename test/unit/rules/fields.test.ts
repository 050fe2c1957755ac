import { describe, expect, it } from "vitest";
import { capText, MAX_TEXT, readField, readNumber, textOf } from "../../../shared/rules/fields";
import { event } from "./helpers";

describe("readNumber", () => {
  it.each([
    ["51-200", 51],
    ["1,000+", 1000],
    ["$2.5m", 2.5],
    ["12,345,678 employees", 12345678],
    ["5000", 5000],
    ["about 75", 75],
    ["-3 points", -3],
    ["1,00", 1],
    [42, 42],
    [0, 0],
  ])("%j → %s", (value, expected) => {
    expect(readNumber(value)).toBe(expected);
  });

  it.each([["none"], [""], [true], [null], [undefined], [Number.NaN], [Infinity], [{ n: 5 }]])(
    "%j has no number",
    (value) => {
      expect(readNumber(value)).toBeUndefined();
    },
  );

  it("reads only the first MAX_TEXT characters, so the result stays finite", () => {
    expect(readNumber("9".repeat(400))).toBe(Number("9".repeat(MAX_TEXT)));
    expect(readNumber(`${" ".repeat(MAX_TEXT)}5`)).toBeUndefined();
  });
});

describe("textOf", () => {
  it("gives the text of plain values and nothing for missing or structured ones", () => {
    expect(textOf("VP")).toBe("VP");
    expect(textOf(5)).toBe("5");
    expect(textOf(false)).toBe("false");
    for (const missing of ["", null, undefined, Number.NaN, {}, ["a"]]) expect(textOf(missing)).toBeUndefined();
  });

  it("capText cuts to MAX_TEXT", () => {
    expect(capText("x".repeat(300))).toHaveLength(MAX_TEXT);
  });
});

describe("readField", () => {
  const e = event("track", {
    name: "demo_request",
    url: "https://acme.com/",
    sid: "s1",
    props: { plan: "pro", nested: { level: 2 } },
    traits: { title: "event title" },
  });
  const traits = { title: "Profile title" };

  it("reads event fields, props (nested) and the profile's traits", () => {
    expect(readField("name", e, traits)).toBe("demo_request");
    expect(readField("url", e, traits)).toBe("https://acme.com/");
    expect(readField("type", e, traits)).toBe("track");
    expect(readField("sid", e, traits)).toBe("s1");
    expect(readField("props.plan", e, traits)).toBe("pro");
    expect(readField("props.nested.level", e, traits)).toBe(2);
    expect(readField("traits.title", e, traits)).toBe("Profile title");
  });

  it("reads own properties only", () => {
    expect(readField("props.constructor", e, traits)).toBeUndefined();
    expect(readField("props.plan.length", e, traits)).toBeUndefined();
    expect(readField("traits.toString", e, traits)).toBeUndefined();
    expect(readField("props.missing.deeper", e, traits)).toBeUndefined();
  });
});
