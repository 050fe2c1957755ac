/**
 * The two servers the browser script's tests put around the worker, in the test file's own
 * process: the customer's site (fixture pages) and a recording proxy in front of the worker,
 * which the pages' script talks to. What the script sends is so observed where it arrives,
 * the same way in every engine (classic WebDriver sees no network), and an outage is the
 * proxy refusing the connection: the network down, as a visitor meets it, not a browser
 * switch (docs/browsers.md#how-the-tests-drive-three-engines).
 */
import { readFileSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface SentBatch {
  body: { site: string; vid: string; sid?: string; events: Array<Record<string, any>> };
  /** When the request reached the proxy (ms since the epoch). */
  at: number;
  /** Its `Sec-Fetch-Mode`: "cors" for the script's fetch, "no-cors" for a beacon. */
  mode: string | undefined;
  /** The worker's answer, once it gave one with status 200. */
  answer?: { profile: string; stage: string };
}

/** What the proxy does with a collect request instead of passing it on: "down" ends the connection unanswered. */
export type Fault = "down" | { status: number; headers?: Record<string, string>; body?: string };

/** A port free on the loopback now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const listen = async (server: Server): Promise<string> => {
  server.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  // Neither server keeps the test process alive: it ends with the file's tests.
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const readBody = async (stream: AsyncIterable<Buffer>) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
};

/** Starts the proxy in front of the worker at `worker`. */
export async function startProxy(worker: string) {
  const sent = new Map<string, SentBatch[]>();
  const faults = new Map<string, () => Fault | undefined>();
  let chunkGate: Promise<void> = Promise.resolve();
  const upstream = new URL(worker);

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (process.env.PROXY_DEBUG) console.error("proxy", req.method, req.url, Date.now() % 100000);
    const { pathname } = new URL(req.url ?? "/", worker);
    let batch: SentBatch | undefined;
    if (req.method === "POST" && pathname === "/v1/collect") {
      // Every attempt is recorded, failed ones too: what the page tried to send.
      try {
        batch = { body: JSON.parse(body.toString()), at: Date.now(), mode: req.headers["sec-fetch-mode"] as string | undefined };
        batchesOf(batch.body.site).push(batch);
      } catch {}
    }
    if (pathname === "/es-captures.js") await chunkGate;
    const fault = batch && faults.get(batch.body.site)?.();
    if (fault === "down") return void req.socket.destroy();
    if (fault) {
      res.writeHead(fault.status, {
        "Access-Control-Allow-Origin": req.headers.origin ?? "*",
        "Access-Control-Expose-Headers": "Retry-After",
        "Content-Type": "application/json",
        ...fault.headers,
      });
      return void res.end(fault.body ?? "{}");
    }
    // Unencoded, so that the proxy can read the answer.
    const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host, "accept-encoding": "identity" };
    const forward = request(new URL(req.url ?? "/", worker), { method: req.method, headers }, async (up) => {
      const answer = await readBody(up);
      if (process.env.PROXY_DEBUG) console.error("answered", req.url, up.statusCode, JSON.stringify(up.headers), answer.length);
      if (batch && up.statusCode === 200) batch.answer = JSON.parse(answer.toString()) as SentBatch["answer"];
      // Never cached: a test holding the lazy chunk must see each page ask for it.
      const { connection, "keep-alive": _, "transfer-encoding": __, ...headers } = up.headers;
      res.writeHead(up.statusCode ?? 502, { ...headers, "content-length": answer.length, "cache-control": "no-store" });
      res.end(answer);
    });
    forward.on("error", () => res.destroy());
    forward.end(body);
  });

  const batchesOf = (site: string) => {
    let list = sent.get(site);
    if (!list) sent.set(site, (list = []));
    return list;
  };

  return {
    url: await listen(server),
    /** The collect requests for `site` that reached the proxy, as they come (a live array). */
    batchesOf,
    /** Answers `site`'s collect requests with what `fault` says, while it says something; no `fault`: passes them on again. */
    fault(site: string, fault?: () => Fault | undefined) {
      if (fault) faults.set(site, fault);
      else faults.delete(site);
    },
    /** Holds every request for the lazy chunk until `release()`. */
    holdChunk() {
      let release!: () => void;
      chunkGate = new Promise((r) => (release = r));
      return { release };
    },
  };
}

/**
 * Starts the customer's site: `/<site>/<page>.html` is fixture `page` of test/browser/fixtures,
 * `{{EDGE}}` the script's origin (`edge`) and `{{SITE}}` the site id. Query options, each for
 * every engine alike: `referrer-policy=…` sets that header; `gpc=1` makes the browser send
 * Global Privacy Control; `storage=denied` makes localStorage and sessionStorage throw, as a
 * browser refusing storage does. Every page records its uncaught errors in `window.__errors`.
 * `/clear.html` empties the origin's storage and cookies; `/sdk/…` is the ES module build
 * (dist/sdk, as global setup built it); any other path is a plain page.
 */
export async function startCustomer(edge: string) {
  const dir = path.join(import.meta.dirname, "fixtures");
  const sdk = path.join(import.meta.dirname, "..", "..", "dist", "sdk");
  const prelude = (query: URLSearchParams) => [
    `<script>window.__errors=[];addEventListener("error",(e)=>__errors.push(String(e.message)));addEventListener("unhandledrejection",(e)=>__errors.push(String(e.reason)))</script>`,
    query.get("gpc") === "1" && `<script>Object.defineProperty(Navigator.prototype,"globalPrivacyControl",{get:()=>true})</script>`,
    query.get("storage") === "denied" &&
      `<script>for(const n of["localStorage","sessionStorage"])Object.defineProperty(window,n,{get(){throw new DOMException("denied","SecurityError")}})</script>`,
  ].filter(Boolean).join("");
  const clear = `<!doctype html><title>clear</title><script>localStorage.clear();sessionStorage.clear();for(const c of document.cookie.split("; ")){const n=c.split("=")[0];for(const d of["",";domain="+location.hostname])document.cookie=n+"=;path=/;max-age=0"+d}</script>`;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fixture");
    const match = /^\/([a-z0-9-]+)\/([a-z0-9-]+\.html)$/.exec(url.pathname);
    if (url.pathname === "/clear.html") return void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(clear);
    const module = /^\/sdk\/([\w-]+\.js)$/.exec(url.pathname);
    if (module) {
      try {
        return void res.writeHead(200, { "Content-Type": "text/javascript" }).end(readFileSync(path.join(sdk, module[1]!)));
      } catch {
        return void res.writeHead(404).end("not found");
      }
    }
    if (!match) return void res.writeHead(200, { "Content-Type": "text/plain" }).end("file");
    let html: string;
    try {
      html = readFileSync(path.join(dir, match[2]!), "utf8").replaceAll("{{EDGE}}", edge).replaceAll("{{SITE}}", match[1]!);
    } catch {
      return void res.writeHead(404).end("not found");
    }
    const policy = url.searchParams.get("referrer-policy");
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", ...(policy && { "Referrer-Policy": policy }) });
    res.end(html.replace("<head>", `<head>${prelude(url.searchParams)}`));
  });
  return { url: await listen(server) };
}
