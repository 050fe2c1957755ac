/**
 * A profile's stages: the one list, and the funnel's order. Shared by the wire types
 * and scoring; no imports, so the browser script's types can reach it too.
 */
export const STAGES = ["visitor", "lead", "mql", "sql", "opportunity", "customer", "disqualified"] as const;
export type Stage = (typeof STAGES)[number];

/** The funnel in order; `disqualified` stands outside it. */
export const FUNNEL: readonly Stage[] = STAGES.slice(0, 6);
