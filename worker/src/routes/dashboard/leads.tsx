/** Leads: search, a lead's page, sales actions and erase (docs/dashboard.md). */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";

export const leadPages = new Hono<AppEnv>();
