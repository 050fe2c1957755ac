/**
 * Known crawlers and automation by user agent (CONTRACT §6), plus the edge's
 * verified-bot signal where the plan provides one. Generic HTTP clients (curl,
 * python-requests) are not bots: they are how server-side integrations and the
 * README quick start talk to us.
 *
 * One signature a line, each a regex source matched case-insensitively anywhere
 * in the user agent; add to the list as new crawlers show up in the data.
 */
const SIGNATURES = [
  // Search engines
  "Googlebot",
  "Google-InspectionTool",
  "Mediapartners-Google", // AdSense
  "AdsBot-Google",
  "Storebot-Google",
  "bingbot",
  "BingPreview",
  "Slurp", // Yahoo
  "DuckDuckBot",
  "Baiduspider",
  "YandexBot",
  "YandexRenderResolver",
  "Applebot",
  "SeznamBot",
  "Qwantbot",
  "PetalBot", // Huawei
  // Link previews
  "facebookexternalhit",
  "Twitterbot",
  "LinkedInBot",
  "Slackbot",
  "Discordbot",
  "TelegramBot",
  "^WhatsApp/", // its link preview; its in-app browser names the phone's browser
  "Pinterestbot",
  "redditbot",
  "Embedly",
  "Quora Link Preview",
  "SkypeUriPreview",
  // SEO tools
  "AhrefsBot",
  "SemrushBot",
  "MJ12bot", // Majestic
  "DotBot", // Moz
  "rogerbot", // Moz
  "BLEXBot",
  "DataForSeoBot",
  "serpstatbot",
  "Screaming Frog",
  // AI crawlers
  "GPTBot", // OpenAI
  "ChatGPT-User", // OpenAI
  "OAI-SearchBot", // OpenAI
  "ClaudeBot", // Anthropic
  "Claude-Web", // Anthropic
  "anthropic-ai",
  "PerplexityBot",
  "CCBot", // Common Crawl
  "Bytespider", // ByteDance
  "Amazonbot",
  "meta-externalagent", // Meta
  "Diffbot",
  // Headless browsers and audits
  "HeadlessChrome",
  "PhantomJS",
  "Lighthouse",
  "Page ?Speed", // Google PageSpeed Insights, once "Page Speed"
  "GTmetrix",
  "Pingdom",
  "UptimeRobot",
  // Catch-alls for crawlers that name themselves: "bot" as a word or before a
  // version, so a Cubot phone ("CUBOT X30") is no bot
  "\\bbot\\b",
  "bot/",
  "crawl",
  "spider",
  "\\+https?://", // a contact URL in the agent: browsers never send one
] as const;

const BOT_AGENT = new RegExp(SIGNATURES.join("|"), "i");

export function isBotRequest(userAgent: string | undefined, cf: IncomingRequestCfProperties | undefined): boolean {
  const verified = (cf as { verifiedBotCategory?: string; botManagement?: { verifiedBot?: boolean } } | undefined);
  if (verified?.botManagement?.verifiedBot || verified?.verifiedBotCategory) return true;
  return userAgent ? BOT_AGENT.test(userAgent) : false;
}
