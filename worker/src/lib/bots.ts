/**
 * Known crawlers and automation by user agent, plus the edge's verified-bot
 * signal where the plan provides one. Generic HTTP clients (curl, scripts) are
 * not bots: they are how server-side integrations and quick starts talk to us.
 */
const BOT_AGENT =
  /bot\b|bot\/|crawl|spider|slurp|mediapartners|headlesschrome|phantomjs|lighthouse|pagespeed|facebookexternalhit|embedly|quora link preview|pinterest|bingpreview|yandex|baiduspider|ahrefs|semrush|petalbot|gptbot|claudebot|bytespider/i;

export function isBotRequest(userAgent: string | undefined, cf: IncomingRequestCfProperties | undefined): boolean {
  const verified = (cf as { verifiedBotCategory?: string; botManagement?: { verifiedBot?: boolean } } | undefined);
  if (verified?.botManagement?.verifiedBot || verified?.verifiedBotCategory) return true;
  return userAgent ? BOT_AGENT.test(userAgent) : false;
}
