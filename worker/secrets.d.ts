// Secrets the worker needs (set with `wrangler secret put`); wrangler.toml cannot
// declare them without an experimental field, so their types live here.
declare namespace Cloudflare {
  interface Env {
    /** Bearer token of the management API. */
    ADMIN_TOKEN: string;
    /** Key of the keyed hashes that name lead profiles. */
    IDENTITY_SECRET: string;
  }
}
