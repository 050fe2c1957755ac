import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { migrate } from "../../worker/src/objects/migrate";
import {
  BARE_SCHEMA_VERSION, CURRENT_SCHEMA, PERSON_MIGRATIONS, PERSON_SCHEMA_VERSION_KEY, MIGRATIONS, schemaVersionOf,
} from "../../worker/src/objects/profile-schema";
import { visitorProfileName } from "../../worker/src/lib/identity";
import { collect, createSite, ev, lookup, serverEvents, uid } from "./helpers";

/** The object's own tables (not the runtime's). */
function tablesOf(sql: SqlStorage): Set<string> {
  return new Set(sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray().map((t) => t.name));
}

/** Every table's columns and every index, as SQLite describes them. */
function shapeOf(sql: SqlStorage) {
  const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%' ORDER BY name").toArray();
  return Object.fromEntries(tables.map(({ name }) => [name, {
    columns: sql.exec<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
      `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${name}') ORDER BY cid`,
    ).toArray()
      .map((c) => ({ ...c, dflt_value: c.dflt_value === null ? null : String(c.dflt_value).replace(/^'(.*)'$/, "$1") }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    indexes: sql.exec(`SELECT name, "unique", partial FROM pragma_index_list('${name}') ORDER BY name`).toArray()
      .map((i) => ({ ...i, name: String(i.name).startsWith("sqlite_autoindex") ? "(auto)" : i.name })),
  }]));
}

it("creates for a new profile the very schema its migrations end at, the person part apart", async () => {
  const withPersonPart = (storage: DurableObjectStorage) => migrate(storage, PERSON_MIGRATIONS, { versionKey: PERSON_SCHEMA_VERSION_KEY });
  const stepByStep = await runInDurableObject(env.PROFILES.getByName("schema:steps"), (_, state) => {
    expect(migrate(state.storage, MIGRATIONS)).toBe("created");
    // Objects from before the split have the person part's tables already: its steps change nothing.
    expect(withPersonPart(state.storage)).toBe("migrated");
    return shapeOf(state.storage.sql);
  });
  const direct = await runInDurableObject(env.PROFILES.getByName("schema:current"), (_, state) => {
    expect(migrate(state.storage, MIGRATIONS, { current: CURRENT_SCHEMA })).toBe("created");
    expect(Object.keys(shapeOf(state.storage.sql))).toEqual(["events", "meta", "profile"]);
    expect(withPersonPart(state.storage)).toBe("created");
    expect(migrate(state.storage, MIGRATIONS, { current: CURRENT_SCHEMA })).toBe("current");
    return shapeOf(state.storage.sql);
  });
  expect(Object.keys(direct)).toEqual(["accounts", "crm", "events", "meta", "model", "outbox", "profile", "stages", "visitors"]);
  expect(direct).toEqual(stepByStep);
  // A new object created bare (no meta, nothing read first) gets the very same, and reads as the same version.
  const bare = await runInDurableObject(env.PROFILES.getByName("schema:bare"), (_, state) => {
    expect(migrate(state.storage, MIGRATIONS, { current: CURRENT_SCHEMA, from: 0, bare: true })).toBe("created");
    expect(Object.keys(shapeOf(state.storage.sql))).toEqual(["events", "profile"]);
    const from = schemaVersionOf(tablesOf(state.storage.sql), undefined);
    expect(from).toBe(MIGRATIONS.length);
    expect(migrate(state.storage, MIGRATIONS, { current: CURRENT_SCHEMA, from })).toBe("current");
    expect(withPersonPart(state.storage)).toBe("created");
    // Its person part's meta says nothing of the schema's version: the tables still tell it.
    expect(schemaVersionOf(tablesOf(state.storage.sql), undefined)).toBe(BARE_SCHEMA_VERSION);
    return shapeOf(state.storage.sql);
  });
  expect(bare).toEqual(stepByStep);
});

it("migrates a bare profile when a step is added, and keeps its version in meta from then on", async () => {
  const next = [...MIGRATIONS, ["ALTER TABLE profile ADD COLUMN added_later TEXT"]];
  const version = await runInDurableObject(env.PROFILES.getByName("schema:bare-then-step"), (_, state) => {
    migrate(state.storage, MIGRATIONS, { current: CURRENT_SCHEMA, from: 0, bare: true });
    const from = schemaVersionOf(tablesOf(state.storage.sql), undefined);
    expect(migrate(state.storage, next, { from })).toBe("migrated");
    expect(shapeOf(state.storage.sql).profile!.columns.map((c) => c.name)).toContain("added_later");
    return state.storage.sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = 'schema_version'").one().value;
  });
  expect(version).toBe(BARE_SCHEMA_VERSION + 1);
});

it("gives the person part to leads and visitors that gave an email only", async () => {
  const site = await createSite();
  const vid = uid("v");
  await collect(site, vid, [ev.pageview("/pricing")]);
  const tablesIn = (stub: DurableObjectStub) => runInDurableObject(stub, (_, state) => Object.keys(shapeOf(state.storage.sql)));
  const visitor = env.PROFILES.getByName(visitorProfileName(site, vid));
  expect(await tablesIn(visitor)).toEqual(["events", "profile"]);
  await collect(site, vid, [ev.identify({ email: "ada@acme.com" })]);
  const lead = await lookup(site, "ada@acme.com");
  const withPersonPart = ["accounts", "crm", "events", "meta", "model", "outbox", "profile", "stages", "visitors"];
  expect(await tablesIn(env.PROFILES.get(env.PROFILES.idFromString(lead!.id)))).toEqual(withPersonPart);
  // The visitor became a known person (stage lead): its stage change is kept.
  expect(await tablesIn(visitor)).toEqual(withPersonPart);
  const stages = await runInDurableObject(visitor, (_, state) => state.storage.sql.exec("SELECT stage FROM stages").toArray());
  expect(stages).toEqual([{ stage: "lead" }]);
});

it("migrates a lead from before claimed events: what it holds reads as trusted, and claims are marked from then on", async () => {
  const site = await createSite();
  await serverEvents(site, [{ id: uid("crm"), email: "ada@acme.com", type: "identify", ts: Date.now(), traits: { title: "CTO" } }]);
  const lead = env.PROFILES.get(env.PROFILES.idFromString((await lookup(site, "ada@acme.com"))!.id));
  // As a lead was before the step (and the CRM step after it): no `claimed` column, its person part at the version before.
  await runInDurableObject(lead, (profile, state) => {
    state.storage.sql.exec("ALTER TABLE events DROP COLUMN claimed");
    state.storage.sql.exec("DROP TABLE crm");
    state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = ?", PERSON_MIGRATIONS.length - 2, PERSON_SCHEMA_VERSION_KEY);
    (profile as unknown as { reset(): void }).reset(); // a new lifetime: nothing of the schema known
  });
  expect(await lookup(site, "ada@acme.com")).toMatchObject({ traits: { title: "CTO" }, claimedTraits: [], claimedEvents: 0 });
  await collect(site, uid("v"), [ev.identify({ email: "ada@acme.com", title: "Intern" })]);
  expect(await lookup(site, "ada@acme.com")).toMatchObject({ traits: { title: "CTO" }, claimedTraits: [], claimedEvents: 1 });
  const held = await runInDurableObject(lead, (_, state) => ({
    version: state.storage.sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = ?", PERSON_SCHEMA_VERSION_KEY).one().value,
    claimed: state.storage.sql.exec<{ claimed: number }>("SELECT claimed FROM events ORDER BY seq").toArray().map((e) => e.claimed),
  }));
  expect(held).toEqual({ version: PERSON_MIGRATIONS.length, claimed: [0, 1] });
});
