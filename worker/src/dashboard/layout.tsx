/**
 * The dashboard's page shell, its login form and its message pages. Styles come
 * from /dashboard/app.css only and there is no script: the CSP (routes/dashboard)
 * forbids both inline, so nothing a visitor typed can run here even if escaping failed.
 */
import type { Child } from "hono/jsx";
import { html } from "hono/html";

/** The document, with its doctype: what a route answers. */
export const documentOf = (page: Child) => html`<!doctype html>${page}`;

export function Page({ title, children, signedIn = false }: { title: string; children: Child; signedIn?: boolean }) {
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
