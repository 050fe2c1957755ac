/**
 * Confidence intervals for rates: Wilson's score interval for one proportion, and
 * Newcombe's hybrid score interval (Newcombe 1998, "method 10") for the difference
 * of two independent ones, built from the two Wilson intervals. Chosen over the
 * textbook Wald interval (p ± z·se), which collapses to a point at 0 or n successes
 * and leaves [0, 1] on small groups, the usual case for a site's MQLs. Pure.
 */

/** z of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

export interface Difference extends Interval {
  /** The first proportion less the second. */
  estimate: number;
}

/** Wilson's score interval for `successes` of `n` (n > 0); inside [0, 1], holding successes / n. */
export function wilson(successes: number, n: number, z = Z95): Interval {
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 or n successes one bound is p itself: rounding must not move it past p.
  return { low: Math.max(0, Math.min(p, centre - half)), high: Math.min(1, Math.max(p, centre + half)) };
}

/**
 * x1/n1 − x2/n2 with Newcombe's hybrid score interval (both n > 0): each side of
 * the difference widens by the two Wilson intervals' distances on that side, added
 * in quadrature. Inside [−1, 1], holding the estimate.
 */
export function newcombe(x1: number, n1: number, x2: number, n2: number, z = Z95): Difference {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  const estimate = p1 - p2;
  const below = Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2);
  const above = Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2);
  return { estimate, low: Math.max(-1, estimate - below), high: Math.min(1, estimate + above) };
}
