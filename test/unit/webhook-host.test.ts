import { describe, expect, it } from "vitest";
import { isPrivateHost, webhookRefusal } from "../../worker/src/lib/webhook-host";

/** How a browser's URL parser writes a host: what the worker compares. */
const hostnameOf = (host: string) => new URL(`https://${host}/hook`).hostname;

describe("where a webhook may point", () => {
  it.each([
    "localhost", "localhost.", "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.10", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "198.18.0.1", "198.19.255.255", "192.0.2.1", "224.0.0.1", "255.255.255.255", "0x7f.1", "2130706433",
    "[::1]", "[::]", "[fd12::1]", "[fe80::1]", "[ff02::1]", "[::ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]",
    "[64:ff9b::10.0.0.1]", "[64:ff9b:1::1]", "[2002:7f00:1::]", "[2002:c0a8:101::1]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
    "[2001:db8::1]", "[100::1]", "crm.internal", "printer.local",
  ])("refuses %s in production", (host) => {
    expect(isPrivateHost(hostnameOf(host))).toBe(true);
    expect(webhookRefusal(`https://${host}/hook`, "https://edge.example.com/v1/sites/a", "")).toMatch(/public address/);
  });

  it.each(["hooks.hubspot.com", "8.8.8.8", "172.32.0.1", "100.128.0.1", "198.20.0.1", "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]",
    "[64:ff9b::808:808]", "[2002:808:808::1]"])("takes %s", (host) => {
    expect(isPrivateHost(hostnameOf(host))).toBe(false);
    expect(webhookRefusal(`https://${host}/hook`, "https://edge.example.com/", "")).toBeNull();
  });

  it("takes loopback receivers in local runs, never the worker itself, however its name is written", () => {
    expect(webhookRefusal("http://127.0.0.1:9000/hook", "http://127.0.0.1:8787/v1/sites/a", "allow")).toBeNull();
    expect(webhookRefusal("http://127.0.0.1:8787/hook", "http://127.0.0.1:8787/v1/sites/a", "allow")).toMatch(/own host/);
    for (const own of ["https://edge.example.com./hook", "https://EDGE.example.com/hook", "https://edge.example.com:443/hook"]) {
      expect(webhookRefusal(own, "https://edge.example.com/v1/sites/a", "")).toMatch(/own host/);
    }
    expect(webhookRefusal("https://edge.example.com/hook", null, "")).toBeNull();
  });
});
