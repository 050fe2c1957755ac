import type { Site } from "./sites/config";
import type { Caller } from "./sites/keys";

/** Types flowing through the Hono app: bindings from `wrangler types`, per-request variables. */
export interface AppEnv {
  Bindings: Env;
  /** `caller` is set by the auth middleware on management routes. */
  Variables: { site: Site; caller: Caller };
}
