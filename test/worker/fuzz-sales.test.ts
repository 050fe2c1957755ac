/** Fuzzing, one of five files (test/worker/fuzz/harness.ts says what is checked, and why in files). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HEX64, SEED, SITE_IDS_BAD, STAGES, type Sent, TIMEOUT, TOTAL_RUNS, VIDS, auth, authHeaders, broken,
  checkCollect, checkCounts, checkProfile, checkStageView, checkTouched, email, feedbackItem, feedbackWire,
  fuzz, inputsRan, keysFor, origin, pick, rarely, runsOf, seedPeople, send, serialise, serverBody, touchedOf,
  webhook, weighted,
} from "./fuzz/harness";
import { BROWSER_UA, createSite, IDENTIFY_SECRET, ORIGIN } from "./helpers";

describe(`fuzzing GET /v1/stage, server events, feedback, profiles (seed ${SEED}, ${TOTAL_RUNS} inputs in all)`, () => {
  it("GET /v1/stage with any site and visitor", async () => {
    const site = await createSite();
    const touched = touchedOf(site);
    await seedPeople(site, touched);
    const arb = fc.record({
      site: weighted<string>([6, fc.constant(site)], [1, pick(...SITE_IDS_BAD)]),
      vid: weighted<string>([6, pick(...VIDS)], [1, fc.string({ unit: "binary", maxLength: 70 })]),
      drop: rarely(pick("site", "vid"), 8),
      origin,
    });
    await fuzz("stage", 2, arb, async ({ site: s, vid, drop, origin: o }) => {
      const params = [drop !== "site" && `site=${encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "?"))}`, drop !== "vid" && `vid=${encodeURIComponent(vid.replace(/[\uD800-\uDFFF]/g, "?"))}`];
      const sent: Sent = { method: "GET", path: `/v1/stage?${params.filter(Boolean).join("&")}`, headers: o === undefined ? {} : { Origin: o } };
      const answer = await send(sent);
      if (answer.status === 200) checkStageView(answer.body, sent, answer, ["visitor", "lead", "mql"]);
    });
  }, TIMEOUT);

  it("server events: batches by email, valid and broken", async () => {
    const site = await createSite({ exclude: { emailDomains: ["staff.test"], ips: [] } });
    const keys = await keysFor(site, await createSite());
    const touched = touchedOf(site);
    const arb = fc.record({ auth, body: serverBody, contentType: rarely(pick("text/plain", "application/json"), 3), resend: weighted<boolean>([4, fc.constant(false)], [1, fc.constant(true)]) });
    await fuzz("serverEvents", 3, arb, async ({ auth: who, body, contentType: type, resend }) => {
      const items = body.kind === "many" ? Array.from({ length: 501 }, (_, i) => body.items[i % body.items.length]!) : body.items;
      const text = body.kind === "object" ? serialise(items[0] ?? {}) : body.kind === "not-json" ? body.raw : body.kind === "json-junk" ? serialise(body.raw) : serialise(items);
      const sent: Sent = { method: "POST", path: `/v1/sites/${site}/events`, headers: { ...authHeaders(who, keys), ...(type && { "Content-Type": type }) }, body: text };
      const answer = await send(sent);
      if (body.kind === "many" && answer.status === 200) broken("a batch over 500 events taken", sent, answer);
      if (answer.status !== 200) return;
      checkCounts(answer, items.length, sent, "");
      if (!resend) return;
      const again = await send(sent);
      checkCounts(again, items.length, sent, "");
      if (again.body.accepted !== 0) broken(`a batch sent again accepted ${again.body.accepted} events`, sent, again);
    });
    expect(await checkTouched([touched])).toBeGreaterThan(0);
  }, TIMEOUT);
  it("feedback: one item or many, by email or profile, any stage", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET, webhook: webhook() });
    const keys = await keysFor(site, await createSite());
    const touched = touchedOf(site);
    await seedPeople(site, touched);
    const arb = fc.record({
      auth,
      shape: weighted<string>([6, fc.constant("array")], [3, fc.constant("one")], [1, pick("not-json", "number", "empty")]),
      items: fc.array(feedbackItem, { maxLength: 6 }),
    });
    await fuzz("feedback", 4, arb, async ({ auth: who, shape, items }) => {
      const ids = [...touched.profiles];
      const wire = items.map((item) => feedbackWire(item, ids));
      const text = shape === "array" ? serialise(wire) : shape === "one" ? serialise(wire[0] ?? {}) : shape === "number" ? "42" : shape === "empty" ? "" : "{items:";
      const sent: Sent = { method: "POST", path: `/v1/sites/${site}/feedback`, headers: { ...authHeaders(who, keys), "Content-Type": "application/json" }, body: text };
      const answer = await send(sent);
      if (answer.status !== 200) return;
      const sentItems = shape === "array" ? wire : [wire[0] ?? {}];
      const results = answer.body.results;
      if (!Array.isArray(results) || results.length !== sentItems.length) broken("not one result per item", sent, answer);
      results.forEach((r: any, i: number) => {
        if (r?.index !== i || typeof r.ok !== "boolean") broken(`result ${i} is not item ${i}'s`, sent, answer);
        if (r.ok) {
          if (!HEX64.test(r.profile) || !STAGES.includes(r.from) || r.to !== sentItems[i]!.stage) broken(`result ${i} moved to ${r.to}, asked ${sentItems[i]!.stage}`, sent, answer);
          touched.profiles.add(r.profile);
        } else if (typeof r.code !== "string" || typeof r.message !== "string") {
          broken(`result ${i} failed without code and message`, sent, answer);
        }
      });
    });
    expect(await checkTouched([touched])).toBeGreaterThan(0);
  }, TIMEOUT);
  it("profiles: look-ups, reads and erasure by any email or id", async () => {
    const site = await createSite();
    const keys = await keysFor(site, await createSite());
    const touched = touchedOf(site);
    await seedPeople(site, touched);
    const arb = fc.record({
      auth,
      op: weighted<string>([10, fc.constant("lookup")], [8, fc.constant("get")], [1, fc.constant("erase")], [1, fc.constant("delete")], [1, fc.constant("collect")]),
      email,
      body: weighted<string>([10, fc.constant("object")], [1, pick("not-json", "extra-field", "array", "huge")]),
      id: fc.nat(),
      idJunk: rarely(weighted<string>([2, pick("0".repeat(64), "F".repeat(64), "x", "%00", "..%2F..%2Fsites", "a".repeat(5000))], [1, fc.string({ unit: "binary", maxLength: 20 })]), 6),
      vid: pick(...VIDS),
    });
    await fuzz("profiles", 5, arb, async ({ auth: who, op, email: mail, body, id, idJunk, vid }) => {
      const ids = [...touched.profiles];
      const headers = { ...authHeaders(who, keys), "Content-Type": "application/json" };
      const profileId = idJunk !== undefined ? encodeURIComponent(idJunk.replace(/[\uD800-\uDFFF]/g, "?")) : ids[id % ids.length] ?? "0".repeat(64);
      const text = body === "object" ? serialise({ email: mail }) : body === "extra-field" ? serialise({ email: mail, site }) : body === "array" ? serialise([{ email: mail }])
        : body === "huge" ? serialise({ email: mail, pad: "p".repeat(5000) }) : "email=ada@acme.com";
      let sent: Sent;
      switch (op) {
        case "lookup":
          sent = { method: "POST", path: `/v1/sites/${site}/profiles/lookup`, headers, body: text };
          break;
        case "erase":
          sent = { method: "POST", path: `/v1/sites/${site}/profiles/erase`, headers, body: text };
          break;
        case "get":
          sent = { method: "GET", path: `/v1/sites/${site}/profiles/${profileId}`, headers };
          break;
        case "delete":
          sent = { method: "DELETE", path: `/v1/sites/${site}/profiles/${profileId}`, headers };
          break;
        default: // a browser comes back (after an erasure it is told to reset)
          sent = { method: "POST", path: "/v1/collect", headers: { "Content-Type": "text/plain", Origin: ORIGIN, "User-Agent": BROWSER_UA },
            body: serialise({ site, vid, events: [{ id: `c${id % 50}`, type: "identify", ts: Date.now(), url: `${ORIGIN}/x`, traits: { email: mail } }] }) };
      }
      const answer = await send(sent);
      if (op === "collect" && answer.status === 200) {
        checkCollect(answer, sent, 1, vid, ["visitor", "lead", "mql"]);
        touched.profiles.add(answer.body.profile);
      }
      if ((op === "lookup" || op === "get") && answer.status === 200) {
        checkProfile(answer.body, `${sent.method} ${sent.path}`, op === "lookup" ? String(mail) : undefined);
        touched.profiles.add(answer.body.id);
      }
      if ((op === "erase" || op === "delete") && ![204, 400, 401, 403, 404, 413].includes(answer.status)) broken("an erasure answered neither 204 nor an error", sent, answer);
    });
    await checkTouched([touched]);
  }, TIMEOUT);

  it("ran its share of the inputs", () => {
    expect(inputsRan()).toBe(runsOf("stage") + runsOf("serverEvents") + runsOf("feedback") + runsOf("profiles"));
  });
});
