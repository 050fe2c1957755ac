/**
 * Where a webhook may point (CONTRACT §8): never the worker itself, and in
 * production never a loopback, private or link-local address, which would let a
 * site's admin make the edge call into networks it should not reach. Local runs
 * (`LOCAL_WEBHOOKS=allow`: npm start, the tests) may use loopback receivers.
 */
const PRIVATE_V4 = [/^10\./, /^127\./, /^169\.254\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^0\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true;
  if (PRIVATE_V4.some((range) => range.test(host))) return true;
  // IPv6: loopback, unspecified, unique local (fc00::/7), link-local (fe80::/10), v4-mapped.
  return host.includes(":") && (host === "::1" || host === "::" || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith("::ffff:"));
}

/** Why a webhook URL may not be used from this worker, or null. */
export function webhookRefusal(url: string, workerUrl: string, localWebhooks: string | undefined): string | null {
  const target = new URL(url);
  if (target.host === new URL(workerUrl).host) return "must not be this worker's own host";
  if (localWebhooks !== "allow" && isPrivateHost(target.hostname)) return "must be a public address (loopback and private addresses are refused in production)";
  return null;
}
