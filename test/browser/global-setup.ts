/**
 * Browser tests run against the real worker (wrangler dev on workerd, fresh data)
 * serving the real built script, and a "customer site" on another origin that
 * embeds it: fixture pages from test/browser/fixtures, where `{{EDGE}}` is the
 * worker's URL and `{{SITE}}` the site id taken from the path `/<site>/<page>`.
 * `?referrer-policy=…` sets that header on the page.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error: plain ESM scripts without types
import { buildSdk } from "../../scripts/build-sdk.mjs";
// @ts-expect-error: plain ESM scripts without types
import { startLocalWorker } from "../../scripts/local-worker.mjs";

export const ADMIN_TOKEN = "browser-test-admin-token";

declare module "vitest" {
  export interface ProvidedContext {
    edge: string;
    customer: string;
    adminToken: string;
  }
}

export default async function setup(project: TestProject) {
  await buildSdk({ types: false, quiet: true });
  const persistTo = mkdtempSync(path.join(tmpdir(), "edgescore-browser-"));
  const worker = await startLocalWorker({
    port: await freePort(),
    persistTo,
    vars: { ADMIN_TOKEN, IDENTITY_SECRET: "browser-test-identity-secret", RATE_LIMIT_EXEMPT: "127.0.0.1,::1", LOCAL_WEBHOOKS: "allow" },
    stdio: "ignore",
  });
  const customer = await serveFixtures(worker.url);
  project.provide("edge", worker.url);
  project.provide("customer", `http://127.0.0.1:${(customer.address() as AddressInfo).port}`);
  project.provide("adminToken", ADMIN_TOKEN);
  return async () => {
    customer.close();
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function serveFixtures(edge: string): Promise<Server> {
  const dir = path.join(import.meta.dirname, "fixtures");
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fixture");
    const match = /^\/([a-z0-9-]+)\/([a-z0-9-]+\.html)$/.exec(url.pathname);
    let html: string;
    try {
      if (!match) throw new Error("no such page");
      html = readFileSync(path.join(dir, match[2]!), "utf8").replaceAll("{{EDGE}}", edge).replaceAll("{{SITE}}", match[1]!);
    } catch {
      res.writeHead(404).end("not found");
      return;
    }
    const policy = url.searchParams.get("referrer-policy");
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", ...(policy && { "Referrer-Policy": policy }) });
    res.end(html);
  });
  server.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return server;
}
