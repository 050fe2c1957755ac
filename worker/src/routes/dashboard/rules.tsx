/** Scoring rules: the live model, the draft editor, preview, publish, versions (docs/dashboard.md). */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";

export const rulesPages = new Hono<AppEnv>();
