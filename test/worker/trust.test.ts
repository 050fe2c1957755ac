import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { leadProfileName, visitorProfileName } from "../../worker/src/lib/identity";
import {
  ADMIN, call, collect, createSite, ev, forwarded, IDENTIFY_SECRET, lookup, post, serverEvents, signedIdentify, uid, until,
} from "./helpers";

const receiver = inject("receiver");
const VICTIM = "victim@corp.com";

/** The server's word on the victim (the events API, a site key): a CTO, so fit 10. */
async function vouch(site: string) {
  await serverEvents(site, [{ id: uid("crm"), email: VICTIM, type: "identify", ts: Date.now(), traits: { title: "CTO" } }]);
}

/** Any browser on an allowed origin claims the victim's email with other traits, a demo request and pricing: an MQL (fit 10, engagement 40). */
async function claim(site: string, traits: Record<string, unknown> = { title: "Intern", name: "Mallory" }) {
  const vid = uid("v");
  await collect(site, vid, [ev.identify({ email: VICTIM, ...traits }), ev.track("demo_request"), ev.pageview("/pricing")]);
  return vid;
}

const exported = async (site: string) => until(async () => {
  const res = await call(`/v1/sites/${site}/mqls`, { headers: ADMIN });
  const { items } = await res.json<{ items: any[] }>();
  return items[0];
}, "the export record");

const erase = (site: string, id: string) => call(`/v1/sites/${site}/profiles/${id}`, { method: "DELETE", headers: ADMIN });

describe("trust (docs/api.md, Trust model)", () => {
  it("never lets a browser that only claims an email replace what the server set, and says what came from claims", async () => {
    const name = uid("h");
    const site = await createSite({ identifySecret: IDENTIFY_SECRET, webhook: { url: `${receiver}/hook/${name}`, secret: "webhook-secret-0123456789abcdef" } });
    await vouch(site);
    await claim(site);

    const lead = (await lookup(site, VICTIM))!;
    expect(lead.traits).toMatchObject({ email: VICTIM, title: "CTO", name: "Mallory" });
    // The claim's events still count, marked.
    expect(lead).toMatchObject({ stage: "mql", score: { fit: 10, engagement: 40 }, verified: true, claimedTraits: ["name"], claimedEvents: 3 });
    expect(lead.timeline.filter((e: { claimed?: true }) => e.claimed)).toHaveLength(3);
    expect(lead.timeline.find((e: { type: string; claimed?: true }) => e.type === "identify" && !e.claimed)).toBeDefined();

    const record = await exported(site);
    expect(record).toMatchObject({ title: "CTO", firstName: "Mallory", verified: true, claimedTraits: ["name"], claimedEvents: 3 });
    const [delivery] = await until(async () => {
      const got = await (await fetch(`${receiver}/received/${name}`)).json<{ body: string }[]>();
      return got.length > 0 && got;
    }, "the webhook");
    expect(JSON.parse(delivery!.body).profile).toMatchObject({ title: "CTO", claimedTraits: ["name"], claimedEvents: 3 });
  });

  it("lets a verified browser update what the server set", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    await vouch(site);
    await collect(site, uid("v"), [await signedIdentify(site, { email: VICTIM, title: "CEO", name: "Victor" })]);
    const lead = (await lookup(site, VICTIM))!;
    expect(lead.traits).toMatchObject({ title: "CEO", name: "Victor" });
    expect(lead).toMatchObject({ verified: true, claimedTraits: [], claimedEvents: 0 });
  });

  it("lets a claim update a trait only claims set, and a lead only claims made is not verified", async () => {
    const site = await createSite();
    await claim(site, { name: "Mallory" });
    await claim(site, { name: "Eve", title: "Intern" });
    const lead = (await lookup(site, VICTIM))!;
    expect(lead.traits).toMatchObject({ name: "Eve", title: "Intern" });
    expect(lead.verified).toBe(false);
    expect([...lead.claimedTraits].sort()).toEqual(["email", "name", "title"]);
    expect(lead.claimedEvents).toBe(6);
  });

  it("erases a browser that only claimed an email, and what it sent, not the lead", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    await vouch(site);
    const owner = uid("v");
    await collect(site, owner, [await signedIdentify(site, { email: VICTIM }), ev.download("/files/a.pdf")]);
    const attacker = await claim(site);
    const before = (await lookup(site, VICTIM))!;
    expect(before.visitors.count).toBe(2);

    const attackerId = env.PROFILES.idFromName(visitorProfileName(site, attacker)).toString();
    expect((await erase(site, attackerId)).status).toBe(204);

    const lead = (await lookup(site, VICTIM))!;
    expect(lead.id).toBe(before.id);
    expect(lead.traits).toMatchObject({ email: VICTIM, title: "CTO" });
    expect(lead.traits).not.toHaveProperty("name");
    expect(lead).toMatchObject({ score: { fit: 10, engagement: 5 }, visitors: { count: 1 }, claimedTraits: [], claimedEvents: 0 });
    expect(lead.timeline.map((e: { type: string }) => e.type)).toEqual(["identify", "identify", "download"]);
    // Its export record no longer names Mallory.
    await until(async () => (await exported(site)).firstName === null, "the rewritten export record");
    // The erased browser resets; the owner's still sees the lead.
    expect((await collect(site, attacker, [ev.pageview("/")])).reset).toBe(true);
    expect((await collect(site, owner, [ev.pageview("/")])).profile).toBe(lead.id);
  });

  it("erases the person when the browser erased was verified, and a lead only that claim made", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    await vouch(site);
    const owner = uid("v");
    await collect(site, owner, [await signedIdentify(site, { email: VICTIM })]);
    await claim(site);
    expect((await erase(site, env.PROFILES.idFromName(visitorProfileName(site, owner)).toString())).status).toBe(204);
    expect(await lookup(site, VICTIM)).toBeNull();

    const lone = await claim(site);
    expect(await lookup(site, VICTIM)).not.toBeNull();
    expect((await erase(site, env.PROFILES.idFromName(visitorProfileName(site, lone)).toString())).status).toBe(204);
    expect(await lookup(site, VICTIM)).toBeNull();
  });

  it("answers a browser that only claims an email without waiting for the lead, and forwards its events after", async () => {
    const site = await createSite();
    await vouch(site);
    const lead = env.PROFILES.getByName(await leadProfileName(env.IDENTITY_SECRET, site, VICTIM));
    // The lead is kept busy for 3 s: an answer that waited for it would come after the lead is free again.
    let blocking!: () => void;
    const blocked = new Promise<void>((resolve) => (blocking = resolve));
    const busy = runInDurableObject(lead, (_, state) => state.blockConcurrencyWhile(async () => {
      blocking();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }));
    await blocked;
    const vid = uid("v");
    const answered = post({ site, vid, sid: "s1", events: [ev.identify({ email: VICTIM, name: "Mallory" }), ev.track("demo_request")] });
    expect(await Promise.race([answered.then(() => "answer"), busy.then(() => "lead free")])).toBe("answer");
    expect(await (await answered).json()).toMatchObject({ stage: "lead", score: { engagement: 25 } });
    await busy;
    await forwarded(site, vid);
    const forwardedLead = (await lookup(site, VICTIM))!;
    expect(forwardedLead.claimedEvents).toBe(2);
    expect(forwardedLead).toMatchObject({ traits: { title: "CTO", name: "Mallory" }, score: { engagement: 25 } });
  });
});
