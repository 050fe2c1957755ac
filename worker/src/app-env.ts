import type { Caller } from "./lib/auth";
import type { Site } from "./sites/config";

/** Types flowing through the Hono app: bindings from `wrangler types`, per-request variables. */
export interface AppEnv {
  Bindings: Env;
  /** `caller` is set by the auth middleware on management routes. */
  Variables: { site: Site; caller: Caller };
}
