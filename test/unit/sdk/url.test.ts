import { describe, expect, it } from "vitest";
import { keptUrl } from "../../../shared/urls";
import { clean, fromHubSpot } from "../../../sdk/src/core/url";

const href = (u: string, base?: string) => clean(u, base)?.href;

describe("clean: what of a URL leaves the page", () => {
  it("keeps scheme, host, path, utm tags and ad click ids, in order", () => {
    expect(href("https://acme.com/pricing?utm_source=news&token=s3cr3t&gclid=abc&email=a%40b.c&utm_campaign=nov#top")).toBe(
      "https://acme.com/pricing?utm_source=news&gclid=abc&utm_campaign=nov",
    );
    expect(href("https://acme.com/?fbclid=1&li_fat_id=2&msclkid=3&utm_term=x&utm_content=y&utm_medium=z")).toBe(
      "https://acme.com/?fbclid=1&li_fat_id=2&msclkid=3&utm_term=x&utm_content=y&utm_medium=z",
    );
  });

  it("drops the es_t token, every other parameter and the fragment, leaving no bare ?", () => {
    expect(href("https://acme.com/files/Guide.PDF?es_t=abc")).toBe("https://acme.com/files/Guide.PDF");
    expect(href("https://acme.com/#access_token=xyz")).toBe("https://acme.com/");
    expect(href("https://acme.com/a?")).toBe("https://acme.com/a");
  });

  it("does not keep parameters that merely look like kept ones", () => {
    expect(href("https://acme.com/?xutm_source=1&gclid2=2&utm_=3&GCLID=4")).toBe("https://acme.com/");
  });

  it("resolves relative URLs against a base", () => {
    expect(href("/thanks?ok=1", "https://acme.com/contact?utm_source=x")).toBe("https://acme.com/thanks");
    expect(href("", "https://acme.com/contact?utm_source=x&q=1")).toBe("https://acme.com/contact?utm_source=x");
  });

  it("refuses what is no http(s) URL", () => {
    for (const u of ["mailto:ada@acme.com", "javascript:alert(1)", "data:text/plain,hi", "blob:https://acme.com/1", "not a url", ""]) {
      expect(clean(u)).toBeUndefined();
    }
  });

  it("gives the origin of a referrer", () => {
    expect(clean("https://www.google.com/search?q=acme+pricing")?.origin).toBe("https://www.google.com");
    expect(clean("")?.origin).toBeUndefined();
  });

  it("agrees with the worker's keptUrl() on the five standard utm tags and click ids", () => {
    const urls = [
      "https://acme.com/p?utm_source=a&x=1&utm_medium=b&utm_campaign=c&utm_term=d&utm_content=e#f",
      "http://acme.com:8080/a/b/?gclid=1&fbclid=2&li_fat_id=3&msclkid=4&z=5",
      "https://acme.com/?q=a+b&utm_source=a%20b",
    ];
    for (const u of urls) expect(href(u)).toBe(keptUrl(u));
  });
});

describe("keptUrl: what of a URL the worker stores", () => {
  it("drops credentials, fragments (bare ones too) and other parameters; keeps a URL with nothing to drop as it is", () => {
    expect(keptUrl("https://ada:pw@acme.com/a?token=1&utm_source=x#top")).toBe("https://acme.com/a?utm_source=x");
    expect(keptUrl("https://acme.com/a#")).toBe("https://acme.com/a");
    expect(keptUrl("https://acme.com/a/b")).toBe("https://acme.com/a/b");
    expect(keptUrl("/files/a.pdf?sig=1", "https://acme.com/r")).toBe("https://acme.com/files/a.pdf");
    expect(keptUrl("ftp://acme.com/a")).toBeNull();
  });
});

describe("fromHubSpot: who may announce a HubSpot form submission", () => {
  const own = "https://www.acme.com";
  it("this page, or HubSpot's forms origins", () => {
    for (const o of [own, "https://js.hsforms.net", "https://forms.hsforms.com", "https://share.hsforms.com", "https://forms-eu1.hsforms.com"]) {
      expect(fromHubSpot(o, own)).toBe(true);
    }
  });
  it("no other frame", () => {
    for (const o of ["https://evil.com", "https://hsforms.net.evil.com", "http://js.hsforms.net", "https://evilhubspot.com", "null",
      "https://app.hubspot.com", "https://cdn2.hubspot.net", "https://acme-1234.hs-sites.com", "https://f.hubspotusercontent-na1.net"]) {
      expect(fromHubSpot(o, own)).toBe(false);
    }
  });
});
