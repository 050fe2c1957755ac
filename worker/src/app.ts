import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { errorBody, onError } from "./lib/errors";
import { collect } from "./routes/collect";
import { health } from "./routes/health";
import { sites } from "./routes/sites";

/** The edge scorer: each route group in its own module, one error handler for all. */
export const app = new Hono<AppEnv>()
  .route("/", health)
  .route("/", collect)
  .route("/", sites)
  .notFound((c) => c.json(errorBody("not_found", "no such route"), 404))
  .onError(onError);
