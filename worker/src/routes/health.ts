import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/** 200 when the worker and its bindings answer (docs/api.md#get-healthz); 503 naming the one that did not. */
export const health = new Hono<AppEnv>().get("/healthz", async (c) => {
  const checks = {
    kv: () => c.env.SITES.get("healthz"),
    profiles: () => c.env.PROFILES.getByName("healthz").state(Date.now()),
  };
  const failed: string[] = [];
  await Promise.all(Object.entries(checks).map(([name, probe]) => probe().catch(() => void failed.push(name))));
  return failed.length ? c.json({ ok: false, failed }, 503) : c.json({ ok: true });
});
