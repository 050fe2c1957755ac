/**
 * Names of profile objects. An anonymous browser is one object per (site,
 * visitor id); a lead will be one per (site, keyed hash of its email), so the
 * two kinds never collide and no name ever holds an email.
 */
export function visitorProfileName(site: string, vid: string): string {
  return `visitor:${site}:${vid}`;
}
