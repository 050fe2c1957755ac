/** Fuzzing, one of five files (test/worker/fuzz/harness.ts says what is checked, and why in files). */
import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import {
  CATASTROPHIC, type CollectPlan, type CollectSite, type Json, SEED, SITE_IDS_BAD, type Sent, TIMEOUT,
  TOTAL_RUNS, type Touched, VIDS, auth, authHeaders, broken, checkCounts, checkProfile, checkTouched,
  collectPlan, emailVariant, feedbackItem, feedbackWire, fuzz, inputsRan, isJson, keysFor, maybe, model, pick,
  query, queryString, renewing, runCollect, runsOf, seedPeople, send, serialise, serverEvent, siteConfig,
  touchedOf, webhook, weighted, wireEvent,
} from "./fuzz/harness";
import { ADMIN, BROWSER_UA, createSite, IDENTIFY_SECRET, ORIGIN } from "./helpers";

describe(`fuzzing rules, reads and everything at once (seed ${SEED}, ${TOTAL_RUNS} inputs in all)`, () => {
  it("site configs: random rules, then traffic that meets them", async () => {
    const site = await createSite();
    const keys = await keysFor(site, await createSite());
    const touched = touchedOf(site);
    const created: Touched[] = [];
    const arb = fc.record({
      auth,
      target: weighted<string>([10, fc.constant("own")], [1, fc.constant("new")], [1, pick(...SITE_IDS_BAD)]),
      config: siteConfig(`${inject("receiver")}/hook/fuzz-config`),
      body: weighted<string>([20, fc.constant("json")], [1, pick("not-json", "huge", "array")]),
      traffic: fc.array(wireEvent, { maxLength: 4 }),
      vid: pick(...VIDS),
    });
    let fresh = 0;
    await fuzz("configs", 6, arb, async ({ auth: who, target, config, body, traffic, vid }) => {
      const id = target === "own" ? site : target === "new" ? `${site}-n${fresh++}` : target;
      const text = body === "json" ? serialise(config) : body === "array" ? serialise([config]) : body === "huge" ? serialise({ ...(config as Json), name: "n".repeat(257 * 1024) }) : "name: Acme";
      const sent: Sent = { method: "PUT", path: `/v1/sites/${encodeURIComponent(id)}`, headers: { ...authHeaders(who, keys), "Content-Type": "application/json" }, body: text };
      const answer = await send(sent);
      if (answer.status !== 200 && answer.status !== 201) return;
      const b = answer.body;
      if (b.id !== id || !Number.isInteger(b.rulesVersion) || !Array.isArray(b.rules?.rules) || typeof b.identifySecret === "string" || typeof b.webhook?.secret === "string") {
        broken("a site answered without its config, or with a secret", sent, answer);
      }
      if (target === "new") created.push(touchedOf(id));
      // Traffic on the new rules (a rescore of the browser's kept events, then these).
      const plan = { site: 0, vid, events: traffic, body: "envelope", raw: "", bytes: new Uint8Array(), contentType: "text/plain", origin: ORIGIN, method: "POST", resend: false } as CollectPlan;
      // A named site outside the pool (created or changed by the admin) is checked by its answers alone.
      const pool = target === "own" ? touched : target === "new" ? created.at(-1)! : touchedOf(id);
      await runCollect(plan, { id, publicStages: b.publicStages, touched: pool });
    });
    await checkTouched([touched, ...created.slice(0, 5)], 30);
  }, TIMEOUT);
  it("site configs: a catastrophic pattern is refused, or matched in time", async () => {
    const site = await createSite();
    const arb = fc.record({
      pattern: fc.nat({ max: CATASTROPHIC.length - 1 }),
      field: pick("traits.title", "props.title", "url"),
      flags: maybe(pick("i", "u", "s")),
    });
    await fuzz("catastrophic", 7, arb, async ({ pattern, field, flags }) => {
      const bad = CATASTROPHIC[pattern]!;
      const on = field === "traits.title" ? "identify" : "pageview";
      const match = bad.glob !== undefined ? { path: bad.glob } : { [field]: { regex: bad.regex, ...(flags && { flags }) } };
      const config = { name: "Acme", origins: [ORIGIN], rules: { thresholds: { total: 50, fit: 10, engagement: 20 }, rules: [{ id: "r", on: bad.glob !== undefined ? "pageview" : on, match, points: 5 }] } };
      const sent: Sent = { method: "PUT", path: `/v1/sites/${site}`, headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify(config) };
      const answer = await send(sent);
      if (answer.status === 400) return;
      if (answer.status !== 200) broken("neither refused nor taken", sent, answer);
      // Taken: the worst input for it must not hold the profile (and its isolate) for seconds.
      const timed = async (vid: string, input: string) => {
        const started = Date.now();
        const body = JSON.stringify({ site, vid, events: [eventWith(input)] });
        const sent: Sent = { method: "POST", path: "/v1/collect", headers: { "Content-Type": "text/plain", Origin: ORIGIN, "User-Agent": BROWSER_UA }, body };
        return { answer: await send(sent), took: Date.now() - started };
      };
      const eventWith = (input: string) => {
        const url = bad.glob !== undefined ? `${ORIGIN}${input}` : field === "url" ? `${ORIGIN}/${input}` : `${ORIGIN}/x`;
        return field === "traits.title" && bad.glob === undefined
          ? { id: "x", type: "identify", ts: Date.now(), url, traits: { email: "ada@acme.com", title: input } }
          : { id: "x", type: "pageview", ts: Date.now(), url, props: { title: input } };
      };
      // The same event with a harmless input of the same length, for what this machine takes anyway.
      const baseline = await timed(`baseline-${pattern}-${field}`, bad.input.replace(/a/g, "b"));
      const worst = await timed(`worst-${pattern}-${field}`, bad.input);
      if (worst.took > Math.max(2000, 10 * baseline.took)) {
        broken(`a site took the pattern ${bad.regex ?? bad.glob}; one event on it took ${worst.took} ms to score (a harmless one ${baseline.took} ms)`, sent, worst.answer);
      }
    }, { endOnFailure: true });
  }, TIMEOUT);
  it("metrics and the MQL export: any period, cursor, limit and format", async () => {
    const site = await createSite();
    const keys = await keysFor(site, await createSite());
    await seedPeople(site, touchedOf(site));
    let cursor: string | null = null;
    await fuzz("queries", 8, fc.record({ auth, q: query }), async ({ auth: who, q }) => {
      const sent: Sent = { method: "GET", path: `/v1/sites/${site}/${q.route}${queryString(q, cursor)}`, headers: authHeaders(who, keys) };
      const answer = await send(sent);
      if (answer.status !== 200) return;
      if (q.route === "metrics") {
        const b = answer.body;
        if (!b.counts || !b.period || Object.values(b.counts).some((n) => !Number.isInteger(n) || (n as number) < 0)) broken("metrics without counts or period", sent, answer);
        return;
      }
      const type = answer.headers.get("Content-Type") ?? "";
      cursor = answer.headers.get("X-Edgescore-Cursor") ?? cursor;
      if (type.startsWith("application/json")) {
        if (!Array.isArray(answer.body.items) || !("cursor" in answer.body)) broken("an export page without items and cursor", sent, answer);
      } else if (type.startsWith("application/x-ndjson")) {
        for (const line of answer.text.split("\n").filter(Boolean)) if (!isJson(line)) broken("an ndjson line that is not JSON", sent, answer);
      } else if (type.startsWith("text/csv")) {
        if (!answer.text.startsWith("Email,")) broken("a CSV without its header row", sent, answer);
      } else {
        broken(`an export as ${type}`, sent, answer);
      }
    });
  }, TIMEOUT);
  it("everything at once on one site: browsers, servers, sales, rules and erasure interleaved", async () => {
    const targets: CollectSite[] = [];
    const sites = renewing(async () => {
      const id = await createSite({ identifySecret: IDENTIFY_SECRET, webhook: webhook(), publicStages: ["visitor", "lead", "mql", "sql"] });
      targets.push({ id, publicStages: ["visitor", "lead", "mql", "sql"], touched: touchedOf(id) });
      return targets.at(-1)!;
    });
    const step = weighted<Json>(
      [10, fc.record({ op: fc.constant("collect"), plan: collectPlan(1) })],
      [3, fc.record({ op: fc.constant("events"), items: fc.array(serverEvent, { maxLength: 5 }) })],
      [3, fc.record({ op: fc.constant("feedback"), items: fc.array(feedbackItem, { minLength: 1, maxLength: 3 }) })],
      [1, fc.record({ op: fc.constant("rules"), model })],
      [1, fc.record({ op: fc.constant("rescore") })],
      [1, fc.record({ op: fc.constant("erase"), email: emailVariant })],
      [2, fc.record({ op: fc.constant("lookup"), email: emailVariant })],
    );
    await fuzz("mixed", 9, fc.array(step, { minLength: 1, maxLength: 3 }), async (steps) => {
      const target = await sites();
      const site = target.id;
      for (const s of steps) {
        const headers = { ...ADMIN, "Content-Type": "application/json" };
        switch (s.op) {
          case "collect":
            await runCollect(s.plan, target);
            break;
          case "events": {
            const sent: Sent = { method: "POST", path: `/v1/sites/${site}/events`, headers, body: serialise(s.items) };
            const answer = await send(sent);
            if (answer.status === 200) checkCounts(answer, s.items.length, sent, "");
            break;
          }
          case "feedback": {
            const wire = s.items.map((item: Json) => feedbackWire(item, [...target.touched.profiles]));
            await send({ method: "POST", path: `/v1/sites/${site}/feedback`, headers, body: serialise(wire) });
            break;
          }
          case "rules":
            await send({ method: "PUT", path: `/v1/sites/${site}`, headers, body: serialise({ name: "Acme", origins: [ORIGIN], identifySecret: { set: true }, webhook: { ...webhook(), secret: { set: true } }, publicStages: target.publicStages, rules: s.model }) });
            break;
          case "rescore":
            await send({ method: "POST", path: `/v1/sites/${site}/rescore`, headers, body: "" });
            break;
          case "erase":
            await send({ method: "POST", path: `/v1/sites/${site}/profiles/erase`, headers, body: JSON.stringify({ email: s.email }) });
            break;
          default: {
            const sent: Sent = { method: "POST", path: `/v1/sites/${site}/profiles/lookup`, headers, body: JSON.stringify({ email: s.email }) };
            const answer = await send(sent);
            if (answer.status === 200) checkProfile(answer.body, `lookup of ${s.email}`, s.email);
          }
        }
      }
    });
    expect(await checkTouched(targets.map((t) => t.touched), 20)).toBeGreaterThan(0);
  }, TIMEOUT);

  it("ran its share of the inputs", () => {
    expect(inputsRan()).toBe(runsOf("configs") + runsOf("catastrophic") + runsOf("queries") + runsOf("mixed"));
  });
});
