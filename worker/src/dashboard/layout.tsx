/**
 * The dashboard's page shell, its login form and its message pages. Styles come
 * from /dashboard/app.css only and there is no script: the CSP (routes/dashboard/index)
 * forbids both inline, so nothing a visitor typed can run here even if escaping failed.
 */
import type { Child } from "hono/jsx";
import { html } from "hono/html";
import type { Scope } from "../sites/keys";

/** The document, with its doctype: what a route answers. */
export const documentOf = (page: Child) => html`<!doctype html>${page}`;

/** The dashboard's pages, each with the scope it needs (the same as its API route's). */
export const PAGES = {
  overview: { path: "/dashboard", name: "Overview", scope: "exports:read" },
  leads: { path: "/dashboard/leads", name: "Leads", scope: "profiles:read" },
  rules: { path: "/dashboard/rules", name: "Scoring rules", scope: "site:admin" },
  spend: { path: "/dashboard/spend", name: "Spend", scope: "site:admin" },
  settings: { path: "/dashboard/settings", name: "Settings", scope: "site:admin" },
  install: { path: "/dashboard/install", name: "Install", scope: "exports:read" },
} as const satisfies Record<string, { path: string; name: string; scope: Scope }>;

export type PageName = keyof typeof PAGES;

/** `path` on the dashboard for `site`, with more query parameters: how pages link and redirect. */
export function pageUrl(path: string, site: string, query: Record<string, string> = {}, hash = ""): string {
  return `${path}?${new URLSearchParams({ site, ...query })}${hash}`;
}

/** Where a signed-in page sits: its site, which page it is, and what the caller may open. */
export interface NavContext {
  site: string;
  current: PageName;
  can: (scope: Scope) => boolean;
}

/** The site's pages the caller may open; the current one marked for assistive technology. */
function SiteNav({ site, current, can }: NavContext) {
  const query = `?site=${encodeURIComponent(site)}`;
  return (
    <nav class="site-nav" aria-label="Site">
      <ul>
        {Object.entries(PAGES).filter(([, page]) => can(page.scope)).map(([name, page]) => (
          <li><a href={page.path + query} aria-current={name === current ? "page" : undefined}>{page.name}</a></li>
        ))}
      </ul>
    </nav>
  );
}

/** What an action did, said on the page it returns to (`role="status"`: read out when it appears). */
export function Notice({ message }: { message: string | undefined }) {
  return message ? <p class="notice" role="status">{message}</p> : null;
}

export function Page({ title, children, signedIn = false, nav }: { title: string; children: Child; signedIn?: boolean; nav?: NavContext }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <link rel="stylesheet" href="/dashboard/app.css" />
        {/* No icon: saves the browser a request for /favicon.ico, which is no route. */}
        <link rel="icon" href="data:," />
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/dashboard">edgescore <span>dashboard</span></a>
          {signedIn && (
            <form method="post" action="/dashboard/logout">
              <button class="link" type="submit">Sign out</button>
            </form>
          )}
        </header>
        {nav && <SiteNav {...nav} />}
        <main>{children}</main>
      </body>
    </html>
  );
}

/** The login form: the token is posted once and answered with a session cookie. */
export function LoginPage({ error }: { error?: string }) {
  return (
    <Page title="Sign in · edgescore">
      <form class="card login" method="post" action="/dashboard/login">
        <h1>Sign in</h1>
        <p class="muted">
          The admin token, or a site key with the <code>exports:read</code> scope. It is exchanged for a
          12-hour session cookie and kept nowhere in this browser.
        </p>
        {error && <p class="error" role="alert">{error}</p>}
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" required autofocus />
        <button type="submit">Sign in</button>
      </form>
    </Page>
  );
}

/** A page saying why there is nothing to show (no site, another site's key, a bad query). */
export function MessagePage({ title, message, signedIn }: { title: string; message: string; signedIn: boolean }) {
  return (
    <Page title={`${title} · edgescore`} signedIn={signedIn}>
      <section class="card message">
        <h1>{title}</h1>
        <p>{message}</p>
        <p><a href="/dashboard">Back to the dashboard</a></p>
      </section>
    </Page>
  );
}
