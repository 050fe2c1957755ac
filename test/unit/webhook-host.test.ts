import { describe, expect, it } from "vitest";
import { isPrivateHost, webhookRefusal } from "../../worker/src/lib/webhook-host";

describe("where a webhook may point", () => {
  it.each(["localhost", "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.10", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "[::1]", "[fd12::1]", "[fe80::1]", "[::ffff:127.0.0.1]", "crm.internal", "printer.local"])("refuses %s in production", (host) => {
    expect(isPrivateHost(host)).toBe(true);
    expect(webhookRefusal(`https://${host}/hook`, "https://edge.example.com/v1/sites/a", "")).toMatch(/public address/);
  });

  it.each(["hooks.hubspot.com", "8.8.8.8", "172.32.0.1", "100.128.0.1", "[2001:db8::1]"])("takes %s", (host) => {
    expect(isPrivateHost(host)).toBe(false);
    expect(webhookRefusal(`https://${host}/hook`, "https://edge.example.com/", "")).toBeNull();
  });

  it("takes loopback receivers in local runs, never the worker itself", () => {
    expect(webhookRefusal("http://127.0.0.1:9000/hook", "http://127.0.0.1:8787/v1/sites/a", "allow")).toBeNull();
    expect(webhookRefusal("http://127.0.0.1:8787/hook", "http://127.0.0.1:8787/v1/sites/a", "allow")).toMatch(/own host/);
  });
});
