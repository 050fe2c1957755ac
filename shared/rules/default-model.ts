import { DEFAULT_DECAY } from "./schema";
import type { ScoringModelInput } from "./types";

/** The model of a site created without rules (and of the demo site): docs/rules.md#the-default-model, as written there. */
export const DEFAULT_MODEL: ScoringModelInput = {
  thresholds: { total: 50, fit: 10, engagement: 20 },
  countries: {},
  decay: DEFAULT_DECAY,
  rules: [
    {
      id: "content_download",
      on: "download",
      match: { ext: ["pdf", "epub", "docx", "pptx"] },
      points: 5,
      unique: "props.href",
      cap: 15,
    },
    {
      id: "webinar_attended",
      on: "track",
      match: { name: "webinar_attended" },
      points: 10,
      unique: "props.webinar",
      cap: 30,
    },
    {
      id: "pricing_visit",
      on: "pageview",
      match: { path: ["/pricing", "/pricing/**", "/plans", "/plans/**"] },
      points: 15,
      per: "day",
      cap: 30,
    },
    { id: "demo_request", on: "track", match: { name: "demo_request" }, points: 25, per: "ever" },
    { id: "email_engaged", on: "track", match: { name: "email_open" }, points: 5, minCount: 5, per: "ever" },
    {
      id: "title_icp",
      on: "identify",
      dimension: "fit",
      points: 10,
      match: { "traits.title": { regex: "\\b(vp|vice president|director|head|chief|c[emt]o|founder)\\b", flags: "i" } },
    },
    {
      id: "company_size_icp",
      on: "identify",
      dimension: "fit",
      points: 10,
      match: { "traits.companySize": { gte: 50, lte: 5000 } },
    },
    { id: "unsubscribed", on: "track", match: { name: "email_unsubscribe" }, points: -20, per: "ever" },
  ],
};
