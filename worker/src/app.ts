import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { errorBody, onError } from "./lib/errors";
import { accounts } from "./routes/accounts";
import { collect } from "./routes/collect";
import { crm } from "./routes/crm";
import { dashboard } from "./routes/dashboard/index";
import { events } from "./routes/events";
import { feedback } from "./routes/feedback";
import { health } from "./routes/health";
import { insights } from "./routes/insights";
import { keys } from "./routes/keys";
import { metrics } from "./routes/metrics";
import { mqls } from "./routes/mqls";
import { profiles } from "./routes/profiles";
import { rescore } from "./routes/rescore";
import { rules } from "./routes/rules";
import { sites } from "./routes/sites";
import { spend } from "./routes/spend";
import { webhooks } from "./routes/webhooks";
import { WEBHOOK_AGENT } from "./webhooks/deliver";

/** The edge scorer: each route group in its own module, one error handler for all. */
export const app = new Hono<AppEnv>()
  // A webhook pointed back at this worker under a name the address check cannot know (its
  // workers.dev host, another custom domain) is refused before any route runs: no loop, no effect.
  .use(async (c, next) => {
    if (c.req.header("User-Agent") === WEBHOOK_AGENT) return c.json(errorBody("webhook_loop", "a webhook may not point at this worker"), 508);
    await next();
  })
  .route("/", health)
  .route("/", collect)
  .route("/", sites)
  .route("/", keys)
  .route("/", events)
  .route("/", profiles)
  .route("/", feedback)
  .route("/", rescore)
  .route("/", rules)
  .route("/", metrics)
  .route("/", spend)
  .route("/", mqls)
  .route("/", insights)
  .route("/", accounts)
  .route("/", webhooks)
  .route("/", crm)
  .route("/", dashboard)
  .notFound((c) => c.json(errorBody("not_found", "no such route"), 404))
  .onError(onError);
