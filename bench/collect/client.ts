// The load's client: requests over loopback HTTP/1.1 keep-alive (node:http, one socket per
// sender), and the batch every collect request carries.
import http from "node:http";
import type { Socket } from "node:net";
import { CONCURRENCY, EVENTS_PER_BATCH, ORIGIN, REQUEST_TIMEOUT_MS, SITE } from "./config.ts";

/** A request's outcome: the answer, or the error and which socket it went out on. */
export type Reply = { status: number; body: string; error?: undefined } | { error: string; socket: string };

/** The sockets' own bookkeeping: how many requests each carried, when its last answer came. */
type BenchSocket = Socket & { benchRequests?: number; benchLastResponse?: number };

export type Client = ReturnType<typeof makeClient>;

export function makeClient(baseUrl: string) {
  const { hostname, port } = new URL(baseUrl);
  const newAgent = () => new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, maxFreeSockets: CONCURRENCY });
  let agent = newAgent();
  /**
   * One request; resolves with { status, body } or { error, socket }. Never rejects.
   * On an error, `socket` tells whether the request went out on a kept-alive socket
   * and how long that socket had been idle: tells a keep-alive race from a reset.
   */
  function send(method: string, pathname: string, body: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
    return new Promise((resolve) => {
      const start = performance.now();
      let socketInfo = "";
      const failed = (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message, socket: socketInfo });
      const req = http.request(
        {
          agent, hostname, port, method, path: pathname,
          headers: { ...headers, ...(body && { "Content-Length": body.length }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            (req.socket as BenchSocket).benchLastResponse = performance.now();
            resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") });
          });
          res.on("error", failed);
        },
      );
      req.on("socket", (socket: BenchSocket) => {
        socket.benchRequests = (socket.benchRequests ?? 0) + 1;
        socketInfo = socket.benchLastResponse === undefined
          ? "on a new socket"
          : `on a kept-alive socket (request ${socket.benchRequests} on it) idle ${(start - socket.benchLastResponse).toFixed(0)} ms before`;
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
      req.on("error", failed);
      req.end(body);
    });
  }
  /**
   * Drops the kept-alive sockets for new ones, before each wave. workerd closes idle
   * keep-alive connections in sweeps; a request written as its socket is being
   * closed fails with ECONNRESET on the client (seen: all 64 sockets at once at the
   * start of a phase). Fresh sockets per wave take that race out of the figures.
   */
  function reconnect() {
    agent.destroy();
    agent = newAgent();
  }
  return { send, reconnect, close: () => agent.destroy() };
}

/**
 * Sends a collect batch, again on a new socket when a kept-alive one was closed by workerd
 * as the request went out, as any HTTP client does (a batch is idempotent by its event ids).
 * `onReset` counts those.
 */
export async function sendCollect(client: Client, pathname: string, body: Buffer, onReset: () => void): Promise<Reply> {
  let res = await client.send("POST", pathname, body, COLLECT_HEADERS);
  for (let tries = 0; tries < 3 && res.error === "ECONNRESET" && res.socket.startsWith("on a kept-alive"); tries++) {
    onReset();
    res = await client.send("POST", pathname, body, COLLECT_HEADERS);
  }
  return res;
}

// A browser's agent, named: any other is bot traffic, which is not scored and so not what is measured.
export const COLLECT_HEADERS = { Origin: ORIGIN, "Content-Type": "text/plain", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; edgescore-bench) Firefox/130.0" };

/** Ten events as the browser script sends them: page views, downloads and a demo request. */
export function batch(vid: string, tag: string): Buffer {
  const now = Date.now();
  const e = (k: number, rest: object) => ({ id: `${tag}-${k}`, ts: now - (EVENTS_PER_BATCH - k) * 1000, ...rest });
  const page = (k: number, p: string, title: string) => e(k, { type: "pageview", url: `${ORIGIN}${p}`, props: { title } });
  const events = [
    page(0, "/", "Home"),
    page(1, "/pricing", "Pricing"),
    page(2, "/features", "Features"),
    e(3, { type: "download", url: `${ORIGIN}/resources`, props: { href: "/files/a.pdf", text: "x" } }),
    page(4, "/docs", "Docs"),
    page(5, "/pricing", "Pricing"),
    e(6, { type: "track", url: `${ORIGIN}/`, name: "demo_request", props: {} }),
    page(7, "/blog/edge", "Blog"),
    e(8, { type: "download", url: `${ORIGIN}/resources`, props: { href: "/files/b.pdf", text: "y" } }),
    page(9, "/contact", "Contact"),
  ];
  return Buffer.from(JSON.stringify({ site: SITE, vid, sid: "s1", events }));
}
