/** Site settings and the install page (docs/dashboard.md). */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";

export const settingsPages = new Hono<AppEnv>();
