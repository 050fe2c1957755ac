/**
 * Browser tests run against the real worker (wrangler dev on workerd, fresh data)
 * serving the real built script. The customer's site that embeds it, and the proxy
 * that records what it sends, run in each test file's own process (servers.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "./servers";
// @ts-expect-error: plain ESM scripts without types
import { buildSdk } from "../../scripts/build-sdk.mjs";
// @ts-expect-error: plain ESM scripts without types
import { startLocalWorker } from "../../scripts/local-worker.mjs";

export const ADMIN_TOKEN = "browser-test-admin-token";

declare module "vitest" {
  export interface ProvidedContext {
    edge: string;
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
  project.provide("edge", worker.url);
  project.provide("adminToken", ADMIN_TOKEN);
  return async () => {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
