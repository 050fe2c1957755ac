import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { ADMIN, call, createSite, ORIGIN, uid } from "./helpers";

type Headers = Record<string, string>;
const bearer = (token: string): Headers => ({ Authorization: `Bearer ${token}` });
const json = (method: string, body: unknown, headers: Headers = ADMIN): RequestInit =>
  ({ method, headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });

interface CreatedKey { id: string; key: string; scopes: string[]; createdAt: number }
interface ListedKey { id: string; scopes: string[]; createdAt: number; lastUsedAt: number | null }

async function createKey(site: string, body: unknown = {}): Promise<CreatedKey> {
  const res = await call(`/v1/sites/${site}/keys`, json("POST", body));
  expect(res.status).toBe(201);
  return res.json();
}

const listKeys = async (site: string, headers: Headers = ADMIN) =>
  (await (await call(`/v1/sites/${site}/keys`, { headers })).json<{ items: ListedKey[] }>()).items;
const putSite = (site: string, headers: Headers) => call(`/v1/sites/${site}`, json("PUT", { name: "Acme", origins: [ORIGIN] }, headers));
const errorOf = async (res: Response) => (await res.json<{ error: { code: string; message: string; path?: string } }>()).error;

describe("site keys", () => {
  it("creates a key with the default scopes, shown once and stored hashed", async () => {
    const site = await createSite();
    const created = await createKey(site);
    expect(created.scopes).toEqual(["events:write", "profiles:read", "feedback:write", "exports:read"]);
    expect(created.key).toMatch(/^esk_/);
    expect(created.createdAt).toBeTypeOf("number");

    const stored = await env.SITES.get(`key:${created.id}`);
    expect(stored).toContain(site);
    expect(stored).not.toContain(created.key);
    expect(stored).not.toContain(created.key.split(".")[1]);

    const listed = await listKeys(site);
    expect(listed).toEqual([{ id: created.id, scopes: created.scopes, createdAt: created.createdAt, lastUsedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(created.key.split(".")[1]);
  });

  it("answers 404 for a key of an unknown site", async () => {
    const res = await call(`/v1/sites/${uid("s-")}/keys`, json("POST", {}));
    expect(res.status).toBe(404);
  });

  it("refuses an unknown scope with 400 naming it", async () => {
    const res = await call(`/v1/sites/${await createSite()}/keys`, json("POST", { scopes: ["events:write", "everything"] }));
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ path: "scopes[1]" });
  });

  it("lets a key read its site only with site:admin, and records when it was used", async () => {
    const site = await createSite();
    const reader = await createKey(site);
    const admin = await createKey(site, { scopes: ["site:admin"] });

    const refused = await call(`/v1/sites/${site}`, { headers: bearer(reader.key) });
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({ code: "forbidden" });
    expect((await errorOf(await call(`/v1/sites/${site}/keys`, { headers: bearer(reader.key) }))).message).toContain("site:admin");

    expect((await call(`/v1/sites/${site}`, { headers: bearer(admin.key) })).status).toBe(200);
    await vi.waitFor(async () => {
      const used = (await listKeys(site, bearer(admin.key))).find((k) => k.id === admin.id);
      expect(used?.lastUsedAt).toBeTypeOf("number");
    });
  });

  it("lets a site:admin key change its site, but not create a key or another site", async () => {
    const site = await createSite();
    const { key } = await createKey(site, { scopes: ["site:admin"] });
    expect((await putSite(site, bearer(key))).status).toBe(200);
    expect((await call(`/v1/sites/${site}/keys`, json("POST", {}, bearer(key)))).status).toBe(403);
    const other = await putSite(uid("s-"), bearer(key));
    expect(other.status).toBe(403);
    expect(await errorOf(other)).toMatchObject({ code: "forbidden" });
  });

  it("refuses a key on another site with 403", async () => {
    const [mine, theirs] = [await createSite(), await createSite()];
    const { key } = await createKey(mine, { scopes: ["site:admin"] });
    const res = await call(`/v1/sites/${theirs}`, { headers: bearer(key) });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toContain("another site");
  });

  it.each([
    ["no token", {}],
    ["a wrong token", bearer("nope")],
    ["a made-up key", bearer(`esk_${"a".repeat(16)}.${"b".repeat(43)}`)],
  ])("answers 401 to %s", async (_what, headers) => {
    const res = await call(`/v1/sites/${await createSite()}/keys`, { headers });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ code: "unauthorized" });
  });

  it("revokes a key: it gets 401 from then on, and is no longer listed", async () => {
    const site = await createSite();
    const admin = await createKey(site, { scopes: ["site:admin"] });
    const doomed = await createKey(site, { scopes: ["site:admin"] });
    const revoked = await call(`/v1/sites/${site}/keys/${doomed.id}`, { method: "DELETE", headers: bearer(admin.key) });
    expect(revoked.status).toBe(204);
    expect((await call(`/v1/sites/${site}`, { headers: bearer(doomed.key) })).status).toBe(401);
    expect((await listKeys(site)).map((k) => k.id)).toEqual([admin.id]);
    expect((await call(`/v1/sites/${site}/keys/${doomed.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(404);
  });

  it("revokes only keys of the site in the path", async () => {
    const [mine, theirs] = [await createSite(), await createSite()];
    const admin = await createKey(mine, { scopes: ["site:admin"] });
    const other = await createKey(theirs);
    const res = await call(`/v1/sites/${mine}/keys/${other.id}`, { method: "DELETE", headers: bearer(admin.key) });
    expect(res.status).toBe(404);
    expect(await listKeys(theirs)).toHaveLength(1);
  });
});

describe("GET /v1/sites", () => {
  it("lists sites to the admin token only", async () => {
    const [a, b] = [await createSite(), await createSite()];
    const res = await call("/v1/sites", { headers: ADMIN });
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: { id: string }[] }>();
    expect(items.find((s) => s.id === a)).toMatchObject({ id: a, name: "Acme", rulesVersion: 1, createdAt: expect.any(Number), updatedAt: expect.any(Number) });
    expect(items.map((s) => s.id)).toContain(b);

    const { key } = await createKey(a, { scopes: ["site:admin"] });
    expect((await call("/v1/sites", { headers: bearer(key) })).status).toBe(403);
    expect((await call("/v1/sites")).status).toBe(401);
  });
});
