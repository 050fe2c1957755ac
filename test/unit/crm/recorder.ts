/**
 * A loopback stand-in for a CRM's API: records each request (method, path, query, headers,
 * body) and answers as the vendor would, from canned vendor-shaped answers. The vendors'
 * own clients and edgescore's connectors are pointed at it, so their requests compare.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** JSON as an object, a form as its fields, else the text (null when empty). */
  body: unknown;
}

/** An answer, or "hang": no answer at all, until the recorder closes. */
export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | "hang";

export interface Recorder {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function recorder(answer: (request: Recorded, index: number) => Reply): Promise<Recorder> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      const url = new URL(req.url!, "http://recorder");
      const type = req.headers["content-type"] ?? "";
      const body = !raw ? null
        : type.includes("json") ? JSON.parse(raw)
        : type.includes("x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(raw))
        : raw;
      const recorded = { method: req.method!, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
      requests.push(recorded);
      const reply = answer(recorded, requests.length - 1);
      if (reply === "hang") return;
      const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...(text && { "content-type": "application/json;charset=UTF-8" }), ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A body's shape: its keys, and each leaf's type in place of its value. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v)]));
  }
  return value === null ? "null" : typeof value;
}

/** The headers that matter to the API: who is calling, and what the body is. */
export function essentials(headers: IncomingHttpHeaders) {
  return { authorization: headers.authorization, "content-type": headers["content-type"]?.split(";")[0] };
}
