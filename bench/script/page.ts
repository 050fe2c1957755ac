// The test page, one per contestant, and the local server that serves it, the
// contestants' files, and an answer to every event request.
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Contestant } from "./contestants.ts";

/** A B2B marketing page: the same for every contestant but for `head`. */
const page = (head: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Pipeline · Lead routing for revenue teams</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; }
  header, main, footer { max-width: 60rem; margin: 0 auto; padding: 1rem; }
  nav a { margin-right: 1rem; } .cta { background: #2450d8; color: #fff; padding: .5rem 1rem; border-radius: .3rem; }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; }
  form { display: grid; gap: .5rem; max-width: 28rem; } input, select, textarea { font: inherit; padding: .4rem; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; }
</style>
${head}
</head>
<body>
<header>
  <a href="/"><strong>Northwind Pipeline</strong></a>
  <nav><a href="/pricing">Pricing</a><a href="/resources">Resources</a><a href="/blog">Blog</a><a href="/docs">Docs</a><a class="cta" href="#demo">Book a demo</a></nav>
</header>
<main>
  <h1>Route every lead to the right rep in seconds</h1>
  <p>Pipeline scores inbound leads the moment they land, enriches them from your CRM and sends the hot ones straight to sales. No spreadsheets, no lag, no leads left waiting overnight.</p>
  <p><a class="cta" href="#demo">Book a demo</a> or <a href="/pricing">see pricing</a>.</p>
  <section class="grid">
    <div><h2>Score</h2><p>Fit and intent signals combined into one number your team trusts, recalculated on every visit.</p><a href="/features/scoring">How scoring works</a></div>
    <div><h2>Route</h2><p>Round-robin, territory or account-based rules, with fallbacks when a rep is out of office.</p><a href="/features/routing">Routing rules</a></div>
    <div><h2>Report</h2><p>See which campaigns bring pipeline, not just clicks, with revenue attribution across every touch.</p><a href="/features/reports">Reports</a></div>
  </section>
  <h2>Plans</h2>
  <table>
    <thead><tr><th>Plan</th><th>Leads per month</th><th>Price</th></tr></thead>
    <tbody>
      <tr><td>Starter</td><td>1,000</td><td>$49</td></tr>
      <tr><td>Growth</td><td>10,000</td><td>$199</td></tr>
      <tr><td>Scale</td><td>Unlimited</td><td>Talk to us</td></tr>
    </tbody>
  </table>
  <h2>Resources</h2>
  <ul>
    <li><a href="/files/lead-routing-playbook.pdf">The lead routing playbook (PDF)</a></li>
    <li><a href="/files/roi-calculator.xlsx">ROI calculator (spreadsheet)</a></li>
    <li><a href="https://example.org/case-study">Case study: how Acme halved response time</a></li>
  </ul>
  <h2 id="demo">Book a demo</h2>
  <form action="/contact" method="post">
    <label>Name <input name="name" autocomplete="name" required></label>
    <label>Work email <input name="email" type="email" autocomplete="email" required></label>
    <label>Company <input name="company" autocomplete="organization"></label>
    <label>Team size <select name="size"><option>1–10</option><option>11–50</option><option>51–200</option><option>200+</option></select></label>
    <label>What are you looking for? <textarea name="message" rows="3"></textarea></label>
    <button type="submit">Request a demo</button>
  </form>
</main>
<footer>
  <p>© Northwind Pipeline. <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a> · <a href="mailto:sales@example.org">sales@example.org</a></p>
</footer>
</body>
</html>
`;

/** Edgescore's collect answer: with a stage, which the script shows on the page. */
const COLLECT_ANSWER = JSON.stringify({
  vid: "bench-visitor-0001", profile: "p", accepted: 1, duplicates: 0, rejected: [],
  stage: "lead", mql: false, score: { fit: 10, engagement: 5, total: 15 },
});

/** A request the server saw: its path and query, and when it came (performance.now()). */
export interface Seen {
  url: string;
  at: number;
}

export type Server = Awaited<ReturnType<typeof startServer>>;

/**
 * Serves /page/<contestant> and the contestants' files, answers their event requests at
 * once, and records each request's path and arrival time in `log.requests`, when set.
 */
export async function startServer(all: Contestant[]) {
  const pages = new Map(all.map((c) => [`/page/${c.name}`, c]));
  const log: { requests: Seen[] | null } = { requests: null };
  let origin = "";
  const answer = (url: string, res: http.ServerResponse) => {
    const pathname = url.split("?")[0]!;
    const contestant = pages.get(pathname);
    if (contestant) return reply(res, 200, "text/html; charset=utf-8", page(contestant.head(origin)));
    const file = fileFor(all, pathname);
    if (file) return reply(res, 200, "text/javascript; charset=utf-8", readFileSync(file));
    if (pathname === "/v1/collect") return reply(res, 200, "application/json", COLLECT_ANSWER);
    if (pathname === "/api/event") return reply(res, 202, "text/plain", "ok");
    if (all.some((c) => c.sends(pathname))) return reply(res, 200, "application/json", '{"status":1}');
    reply(res, 404, "text/plain", "not found");
  };
  const server = http.createServer((req, res) => {
    log.requests?.push({ url: req.url!, at: performance.now() });
    req.resume().on("end", () => answer(req.url!, res));
  });
  await new Promise<void>((resolve, reject) => server.listen(0, "127.0.0.1", resolve).on("error", reject));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, log, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The contestant's .js file a request path names, if any (never outside its folder). */
function fileFor(all: Contestant[], pathname: string): string | undefined {
  const c = all.find((x) => x.prefix && pathname.startsWith(x.prefix));
  if (!c?.prefix || !c.dir) return undefined;
  const file = path.join(c.dir, pathname.slice(c.prefix.length));
  return file.startsWith(c.dir + path.sep) && file.endsWith(".js") && existsSync(file) ? file : undefined;
}

const reply = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) => {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
};
