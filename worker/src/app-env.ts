import type { Site } from "./sites/config";

/** Types flowing through the Hono app: bindings from `wrangler types`, per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: { site: Site };
}
