import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";

/** What of wrangler.toml the README states. */
interface Deployed {
  durable_objects: { bindings: { name: string }[] };
  kv_namespaces: { binding: string }[];
  ratelimits?: { name: string }[];
  vars: Record<string, unknown>;
  migrations?: { tag: string; new_sqlite_classes?: string[] }[];
}

/** What a deployer reads in the README must be what wrangler.toml deploys. */
const config: Deployed = unstable_readConfig({ config: "wrangler.toml" });
const readme = readFileSync("README.md", "utf8");
/** The secrets the worker needs: declared for the type check, since wrangler.toml cannot list them. */
const secrets = [...readFileSync("worker/secrets.d.ts", "utf8").matchAll(/^\s+([A-Z_]+): string;/gm)].map(([, name]) => name!);

/** The names in the first column of the README's settings table. */
function settingsTable(): string[] {
  const table = readme.slice(readme.indexOf("| setting | where | what |"));
  const rows = table.slice(0, table.indexOf("\n\n")).split("\n").slice(2);
  return rows.flatMap((row) => [...row.split("|")[1]!.matchAll(/`([A-Z_]+)`/g)].map(([, name]) => name!));
}

describe("the README's deploy facts", () => {
  it("list every binding, var and secret of wrangler.toml in the settings table, and nothing else", () => {
    const deployed = [
      ...config.durable_objects.bindings.map((b) => b.name),
      ...config.kv_namespaces.map((k) => k.binding),
      ...(config.ratelimits ?? []).map((r) => r.name),
      ...Object.keys(config.vars),
      ...secrets,
    ];
    expect(secrets).toEqual(["ADMIN_TOKEN", "IDENTITY_SECRET"]);
    expect(settingsTable().sort()).toEqual(deployed.sort());
  });

  it("name every Durable Object migration, with its classes", () => {
    const deploy = readme.slice(readme.indexOf("## Deploy"));
    const listed = deploy.slice(deploy.indexOf("Durable Object migrations"), deploy.indexOf(").", deploy.indexOf("Durable Object migrations")));
    const migrations = (config.migrations ?? []).map((m) => `\`${m.tag}\`: ${(m.new_sqlite_classes ?? []).map((c) => `\`${c}\``).join(" ")}`);
    const written = [...listed.matchAll(/`(v\d+)`:\s+([^;]*)/g)]
      .map(([, tag, classes]) => `\`${tag}\`: ${[...classes!.matchAll(/`([A-Za-z]+)`/g)].map(([, c]) => `\`${c}\``).join(" ")}`);
    expect(written).toEqual(migrations);
  });
});
