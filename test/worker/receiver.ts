/**
 * Global setup of the worker tests: a CRM's webhook receiver on loopback, outside
 * the product (the one thing mocked). `POST /hook/<name>?fail=<n>` answers 500 to
 * the first n deliveries of that name (`fail=always`: to every one), then 200;
 * `?down_until=<unix s>` answers 500 to deliveries signed before that time (the
 * sender's clock, which tests move); `GET /received/<name>` lists every delivery it got: headers, body, time.
 * The same server stands in for HubSpot and Salesforce (crm-standin.ts).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { handleCrm } from "./crm-standin";

interface Delivery {
  headers: Record<string, string>;
  body: string;
  at: number;
  answered: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    receiver: string;
  }
}

export default async function setup(project: TestProject) {
  const received = new Map<string, Delivery[]>();
  let base = "";
  const server = createServer(async (req, res) => {
    if (await handleCrm(req, res, base)) return;
    const url = new URL(req.url ?? "/", "http://receiver");
    const [, kind, name = ""] = url.pathname.split("/");
    if (req.method === "GET" && kind === "received") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(received.get(name) ?? []));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const list = received.get(name) ?? [];
      const fail = url.searchParams.get("fail");
      const downUntil = Number(url.searchParams.get("down_until") ?? 0);
      const signedAt = Number(req.headers["webhook-timestamp"] ?? 0);
      const status = fail === "always" || list.length < Number(fail ?? 0) || signedAt < downUntil ? 500 : 200;
      list.push({
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
        answered: status,
      });
      received.set(name, list);
      res.writeHead(status).end(status === 200 ? "ok" : "not now");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  project.provide("receiver", base);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
