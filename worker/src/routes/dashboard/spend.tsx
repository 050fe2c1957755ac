/** Marketing spend per source and month, for cost per MQL (docs/dashboard.md). */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";

export const spendPages = new Hono<AppEnv>();
