/**
 * The dashboard (docs/dashboard.md): a token typed once on the login form becomes a
 * signed session cookie (dashboard/session.ts). Forms only post to this origin: the
 * cookie is SameSite=Strict, and the CSRF middleware also refuses a form post whose
 * Origin (or Sec-Fetch-Site) is not this origin, so another site can neither use a
 * session nor sign someone into its own. Each page group is its own sub-app.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import type { AppEnv } from "../../app-env";
import { documentOf, LoginPage } from "../../dashboard/layout";
import { closeSession, openSession } from "../../dashboard/session";
import { STYLESHEET } from "../../dashboard/style";
import { checkedCaller, GUESS_PERIOD_S, refusalOf } from "../../http/auth";
import { limitBody } from "../../http/body";
import { markUsed } from "../../sites/keys";
import { DASHBOARD_SCOPE } from "./access";
import { leadPages } from "./leads";
import { overview } from "./overview";
import { rulesPages } from "./rules";
import { settingsPages } from "./settings";
import { spendPages } from "./spend";

/**
 * Sent with every dashboard answer. The CSP allows no script at all and styles
 * only from app.css: whatever a visitor typed into a form or a utm tag cannot
 * run here even if it escaped escaping. `no-store`: pages hold people's data.
 */
const HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const secured: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(HEADERS)) c.res.headers.set(name, value);
};

export const dashboard = new Hono<AppEnv>()
  .use("/dashboard/*", secured) // "/dashboard" too
  // Every form post comes from this origin.
  .on(["POST", "PUT", "PATCH", "DELETE"], "/dashboard/*", csrf())
  .get("/dashboard/app.css", (c) => c.body(STYLESHEET, 200, { "Content-Type": "text/css; charset=utf-8" }))
  .post("/dashboard/login", limitBody(4096), async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const caller = token ? await checkedCaller(c, token, Date.now()) : null;
    if (caller === "throttled") {
      c.header("Retry-After", String(GUESS_PERIOD_S));
      return c.html(documentOf(<LoginPage error="Too many wrong tokens from this address: wait a minute, then try again." />), 429);
    }
    if (!caller) return c.html(documentOf(<LoginPage error="That token is not valid." />), 401);
    const refusal = caller.kind === "key" && refusalOf(caller, caller.site, DASHBOARD_SCOPE);
    if (refusal) return c.html(documentOf(<LoginPage error={`That key cannot open the dashboard: ${refusal}.`} />), 403);
    if (caller.kind === "key") c.executionCtx.waitUntil(markUsed(c.env.SITES, caller, Date.now()));
    await openSession(c, caller, Date.now());
    return c.redirect("/dashboard", 303);
  })
  .post("/dashboard/logout", async (c) => {
    await closeSession(c, Date.now());
    return c.redirect("/dashboard", 303);
  })
  .route("/", overview)
  .route("/", rulesPages)
  .route("/", leadPages)
  .route("/", spendPages)
  .route("/", settingsPages);
