import { Hono } from "hono";
import * as v from "valibot";
import { DAY_MS } from "../../../shared/rules";
import { check } from "../../../shared/validation";
import type { AppEnv } from "../app-env";
import { requireScope } from "../http/auth";
import { ApiError } from "../lib/errors";
import { PeriodQuery, periodOf } from "../lib/period";
import { requireSite } from "../http/site";
import { siteMetrics } from "../metrics";
import { MAX_PERIOD_DAYS } from "../metrics/shards";

const DEFAULT_PERIOD_DAYS = 30;
const MetricsQuery = v.object(PeriodQuery);

/**
 * A site's metrics (docs/api.md#metrics) for [since, until): by default the 30 days up to
 * `until` (now). `exports:read`, not `profiles:read`: metrics are a report, read
 * by the same dashboards and BI jobs as the MQL export, and name nobody, so they
 * should not need a key that can look people up one by one.
 */
export const metrics = new Hono<AppEnv>()
  .get("/v1/sites/:site/metrics", requireScope("exports:read"), async (c) => {
    const site = await requireSite(c, c.req.param("site"));
    const query = check(MetricsQuery, c.req.query());
    if (!query.ok) throw ApiError.invalid("invalid_query", query.issues);
    const until = query.value.until ?? Date.now();
    const period = periodOf(query.value, { since: until - DEFAULT_PERIOD_DAYS * DAY_MS, until });
    if (!period) throw new ApiError(400, "invalid_query", "until must be later than since", "until");
    if (period.until - period.since > MAX_PERIOD_DAYS * DAY_MS) {
      throw new ApiError(400, "invalid_query", `a period spans at most ${MAX_PERIOD_DAYS} days`, "since");
    }
    return c.json(await siteMetrics(c.env, site.id, period.since, period.until));
  });
