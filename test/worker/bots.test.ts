import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CollectResponse } from "../../shared/events";
import { isBotRequest } from "../../worker/src/lib/bots";
import { ADMIN, call, createSite, ev, IDENTIFY_SECRET, lookup, ORIGIN, signedIdentify, uid } from "./helpers";

const BOTS = {
  Googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Googlebot smartphone": "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.216 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  Bingbot: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
  "Yahoo Slurp": "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
  DuckDuckBot: "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
  Baiduspider: "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
  YandexBot: "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
  Applebot: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
  PetalBot: "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
  facebookexternalhit: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  Twitterbot: "Twitterbot/1.0",
  LinkedInBot: "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
  Slackbot: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
  Discordbot: "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
  "WhatsApp preview": "WhatsApp/2.23.20.0 A",
  AhrefsBot: "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
  SemrushBot: "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
  MJ12bot: "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
  DotBot: "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)",
  GPTBot: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; GPTBot/1.2; +https://openai.com/gptbot",
  ClaudeBot: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
  PerplexityBot: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
  CCBot: "CCBot/2.0 (https://commoncrawl.org/faq/)",
  Bytespider: "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
  HeadlessChrome: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36",
  PhantomJS: "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
  Lighthouse: "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
  GTmetrix: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 GTmetrix",
  "Page Speed Insights": "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2272.118 Safari/537.36 Google Page Speed Insights",
};

/** Browsers people use, in-app ones included: never bot traffic. */
const PEOPLE = {
  "Chrome on Windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Chrome on Android": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Chrome on iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
  "Edge on Windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Edge on Android": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
  "Firefox on Linux": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Firefox on Windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Firefox on Android": "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
  "Safari on macOS": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Safari on iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Safari on iPad": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Samsung Internet": "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
  "LinkedIn's in-app browser on iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8270",
  "LinkedIn's in-app browser on Android": "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [LinkedInApp]/4.1.903",
  "Facebook's in-app browser on iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/436.0.0.35.101;FBBV/1;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.0;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
  "Facebook's in-app browser on Android": "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240105.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/447.0.0.34.110;]",
  "a Cubot phone": "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
};

/** HTTP libraries, command-line clients and no agent at all: not the browser script. */
const NON_BROWSERS = {
  curl: "curl/8.5.0",
  Wget: "Wget/1.21.4",
  "python-requests": "python-requests/2.31.0",
  "Python's urllib": "Python-urllib/3.12",
  aiohttp: "Python/3.12 aiohttp/3.9.1",
  httpx: "python-httpx/0.27.0",
  "Go's net/http": "Go-http-client/2.0",
  "node-fetch": "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
  "Node's fetch": "node",
  undici: "undici",
  axios: "axios/1.7.2",
  OkHttp: "okhttp/4.12.0",
  "Java's HttpURLConnection": "Java/17.0.9",
  "Apache HttpClient": "Apache-HttpClient/4.5.14 (Java/17.0.9)",
  "libwww-perl": "libwww-perl/6.72",
  Postman: "PostmanRuntime/7.36.0",
  "Ruby's Net::HTTP": "Ruby",
  Guzzle: "GuzzleHttp/7",
  "Windows PowerShell": "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506",
  PowerShell: "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.1",
  "no agent": "",
};

/** Email security gateways that name themselves; most use a browser's agent from their networks (SCANNER_NETWORKS). */
const SCANNERS = {
  Barracuda: "Barracuda Sentinel (EE)",
  "Mimecast, in a browser": `${PEOPLE["Chrome on Windows"]} Mimecast`,
  "Proofpoint, in a browser": `${PEOPLE["Chrome on Windows"]} Proofpoint`,
  "Microsoft Safe Links": "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0; ms-office; MSOffice 16)",
  "Gmail's link check": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36 Edge/12.246 Gmail-content-sampling",
};

/** Clouds and hosts (the edge's `asOrganization`), where link scanners run browsers. */
const SCANNER_NETWORKS = [
  "Amazon.com, Inc.", "Amazon Technologies Inc.", "Microsoft Corporation", "Google LLC", "DigitalOcean, LLC",
  "Hetzner Online GmbH", "OVH SAS", "Akamai Connected Cloud", "Mimecast Ltd", "Proofpoint, Inc.", "Barracuda Networks, Inc.",
];

/** Networks people browse from: ISPs, carriers, a company's own, and relays and proxies that carry people (docs/api.md). */
const PEOPLE_NETWORKS = [
  "Comcast Cable Communications, LLC", "Deutsche Telekom AG", "Vodafone GmbH", "T-Mobile USA, Inc.", "Google Fiber Inc.",
  "Initech Corporation", "Cloudflare, Inc.", "Akamai Technologies, Inc.", "Zscaler, Inc.",
];

const cf = (extra: object) => extra as IncomingRequestCfProperties;

describe("isBotRequest", () => {
  it.each(Object.entries({ ...BOTS, ...NON_BROWSERS, ...SCANNERS }))("knows %s", (_name, ua) => {
    expect(isBotRequest(ua, undefined)).toBe(true);
  });

  it.each(Object.entries(PEOPLE))("lets %s through", (_name, ua) => {
    expect(isBotRequest(ua, undefined)).toBe(false);
  });

  it("trusts the edge's verified-bot signal whatever the agent", () => {
    const browser = PEOPLE["Chrome on Windows"];
    expect(isBotRequest(browser, cf({ botManagement: { verifiedBot: true } }))).toBe(true);
    expect(isBotRequest(browser, cf({ verifiedBotCategory: "Search Engine Crawler" }))).toBe(true);
    expect(isBotRequest(browser, cf({ botManagement: { verifiedBot: false } }))).toBe(false);
    expect(isBotRequest(undefined, undefined)).toBe(true);
  });

  it.each(SCANNER_NETWORKS)("takes a browser on %s for a scanner", (asOrganization) => {
    expect(isBotRequest(PEOPLE["Chrome on Windows"], cf({ asOrganization }))).toBe(true);
  });

  it.each(PEOPLE_NETWORKS)("lets a browser on %s through", (asOrganization) => {
    expect(isBotRequest(PEOPLE["Chrome on Windows"], cf({ asOrganization }))).toBe(false);
  });
});

/** A request to /v1/collect as a browser would send it, with the given agent and edge properties. */
async function send(site: string, vid: string, ua: string, events: unknown[], edge: Record<string, unknown> = {}): Promise<CollectResponse> {
  const res = await exports.default.fetch(new Request("https://edge.test/v1/collect", {
    method: "POST",
    headers: { "Content-Type": "text/plain", Origin: ORIGIN, ...(ua && { "User-Agent": ua }) },
    body: JSON.stringify({ site, vid, sid: "s1", events }),
    cf: edge,
  }));
  expect(res.status).toBe(200);
  return res.json();
}

/** A pricing pageview sent as a browser would, with the given agent and edge properties. */
const pageview = (site: string, ua: string, edge: Record<string, unknown> = {}) => send(site, uid("v"), ua, [ev.pageview("/pricing")], edge);

/**
 * What an email link's visit sends: the pricing page, then the link's signed identify
 * (its `es_t` token) and a form with the email. Answers the collect answer and the email.
 */
async function linkVisit(site: string, ua: string, edge: Record<string, unknown> = {}) {
  const email = `${uid("p")}@initech.com`;
  const vid = uid("v");
  const answer = await send(site, vid, ua, [ev.pageview("/pricing"), await signedIdentify(site, { email }), ev.form({ email, company: "Initech" })], edge);
  return { answer, email };
}

/** A visitor profile's timeline by the profile API: what was recorded, and whether it was scored. */
async function timeline(site: string, profile: string): Promise<Array<{ type: string; scored: boolean }>> {
  const res = await call(`/v1/sites/${site}/profiles/${profile}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return (await res.json<{ timeline: Array<{ type: string; scored: boolean }> }>()).timeline;
}

describe("POST /v1/collect from a bot", () => {
  const browser = PEOPLE["Chrome on Windows"];

  it.each([
    ["a verified bot", browser, { botManagement: { verifiedBot: true } }],
    ["a known crawler's agent", BOTS.Googlebot, {}],
  ])("records %s but does not score it", async (_what, ua, edge) => {
    const res = await pageview(await createSite(), ua, edge);
    expect(res).toMatchObject({ accepted: 1, score: { fit: 0, engagement: 0, total: 0 } });
  });

  it("scores bots on a site that allows them", async () => {
    const res = await pageview(await createSite({ allowBots: true }), browser, { botManagement: { verifiedBot: true } });
    expect(res).toMatchObject({ accepted: 1, score: { engagement: 15 } });
  });

  it("scores a browser", async () => {
    expect((await pageview(await createSite(), browser)).score.engagement).toBe(15);
  });
});

describe("bot traffic on a default site is recorded, never scored, never linked to a lead", () => {
  const browser = PEOPLE["Chrome on Windows"];
  const visits: Array<[string, string, Record<string, unknown>]> = [
    ...Object.entries(NON_BROWSERS).map(([name, ua]): [string, string, Record<string, unknown>] => [name, ua, {}]),
    ...Object.entries(SCANNERS).map(([name, ua]): [string, string, Record<string, unknown>] => [name, ua, {}]),
    ...SCANNER_NETWORKS.map((asOrganization): [string, string, Record<string, unknown>] => [`a browser on ${asOrganization}`, browser, { asOrganization }]),
  ];

  it.each(visits)("%s", async (_name, ua, edge) => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    const { answer, email } = await linkVisit(site, ua, edge);
    expect(answer).toMatchObject({ accepted: 3, rejected: [], stage: "visitor", mql: false, score: { fit: 0, engagement: 0, total: 0 } });
    expect(await lookup(site, email)).toBeNull();
    expect(await timeline(site, answer.profile)).toEqual([
      expect.objectContaining({ type: "pageview", scored: false, reason: "bot" }),
      expect.objectContaining({ type: "identify", scored: false, reason: "bot" }),
      expect.objectContaining({ type: "form", scored: false, reason: "bot" }),
    ]);
  });

  it("an automated browser's flagged events link nobody either", async () => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    const email = `${uid("p")}@initech.com`;
    const answer = await send(site, uid("v"), browser, [{ ...(await signedIdentify(site, { email })), bot: true }]);
    expect(answer).toMatchObject({ stage: "visitor", score: { total: 0 } });
    expect(await lookup(site, email)).toBeNull();
  });

  it.each(PEOPLE_NETWORKS)("a browser on %s is a person", async (asOrganization) => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET });
    const { answer, email } = await linkVisit(site, browser, { asOrganization });
    expect(answer.score.engagement).toBe(15);
    expect(await lookup(site, email)).toMatchObject({ id: answer.profile, score: { engagement: 15 }, visitors: { verified: true } });
  });

  it.each(visits)("with allowBots, %s is scored and linked as before", async (_name, ua, edge) => {
    const site = await createSite({ identifySecret: IDENTIFY_SECRET, allowBots: true });
    const { answer, email } = await linkVisit(site, ua, edge);
    expect(answer.score.engagement).toBe(15);
    expect(await lookup(site, email)).toMatchObject({ id: answer.profile, score: { engagement: 15 }, visitors: { verified: true } });
  });
});
