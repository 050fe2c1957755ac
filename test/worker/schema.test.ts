import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { migrate } from "../../worker/src/objects/migrate";
import { CURRENT_SCHEMA, PERSON_MIGRATIONS, PERSON_SCHEMA_VERSION_KEY, MIGRATIONS } from "../../worker/src/objects/profile-schema";
import { visitorProfileName } from "../../worker/src/lib/identity";
import { collect, createSite, ev, lookup, uid } from "./helpers";

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
  const withPersonPart = (storage: DurableObjectStorage) => migrate(storage, PERSON_MIGRATIONS, undefined, PERSON_SCHEMA_VERSION_KEY);
  const stepByStep = await runInDurableObject(env.PROFILES.getByName("schema:steps"), (_, state) => {
    expect(migrate(state.storage, MIGRATIONS)).toBe("created");
    // Objects from before the split have the person part's tables already: its steps change nothing.
    expect(withPersonPart(state.storage)).toBe("migrated");
    return shapeOf(state.storage.sql);
  });
  const direct = await runInDurableObject(env.PROFILES.getByName("schema:current"), (_, state) => {
    expect(migrate(state.storage, MIGRATIONS, CURRENT_SCHEMA)).toBe("created");
    expect(Object.keys(shapeOf(state.storage.sql))).toEqual(["events", "meta", "profile"]);
    expect(withPersonPart(state.storage)).toBe("created");
    expect(migrate(state.storage, MIGRATIONS, CURRENT_SCHEMA)).toBe("current");
    return shapeOf(state.storage.sql);
  });
  expect(Object.keys(direct)).toEqual(["accounts", "events", "meta", "model", "outbox", "profile", "stages", "visitors"]);
  expect(direct).toEqual(stepByStep);
  // A new object known to be new (nothing read first) gets the very same, at the same version.
  const fresh = await runInDurableObject(env.PROFILES.getByName("schema:fresh"), (_, state) => {
    expect(migrate(state.storage, MIGRATIONS, CURRENT_SCHEMA, undefined, true)).toBe("created");
    expect(migrate(state.storage, MIGRATIONS, CURRENT_SCHEMA)).toBe("current");
    expect(withPersonPart(state.storage)).toBe("created");
    return shapeOf(state.storage.sql);
  });
  expect(fresh).toEqual(stepByStep);
});

it("gives the person part to leads and visitors that gave an email only", async () => {
  const site = await createSite();
  const vid = uid("v");
  await collect(site, vid, [ev.pageview("/pricing")]);
  const tablesOf = (stub: DurableObjectStub) => runInDurableObject(stub, (_, state) => Object.keys(shapeOf(state.storage.sql)));
  const visitor = env.PROFILES.getByName(visitorProfileName(site, vid));
  expect(await tablesOf(visitor)).toEqual(["events", "meta", "profile"]);
  await collect(site, vid, [ev.identify({ email: "ada@acme.com" })]);
  const lead = await lookup(site, "ada@acme.com");
  const withPersonPart = ["accounts", "events", "meta", "model", "outbox", "profile", "stages", "visitors"];
  expect(await tablesOf(env.PROFILES.get(env.PROFILES.idFromString(lead!.id)))).toEqual(withPersonPart);
  // The visitor became a known person (stage lead): its stage change is kept.
  expect(await tablesOf(visitor)).toEqual(withPersonPart);
  const stages = await runInDurableObject(visitor, (_, state) => state.storage.sql.exec("SELECT stage FROM stages").toArray());
  expect(stages).toEqual([{ stage: "lead" }]);
});
