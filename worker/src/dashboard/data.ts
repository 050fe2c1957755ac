import { DAY_MS } from "../../../shared/rules";
import type { ExportRecord } from "../exports/record";
import { listExports, type ExportList } from "../exports/store";

/**
 * The `limit` records of an export last changed in [since, until), latest first.
 * The export lists oldest first, one UTC day per KV prefix, so this reads the days
 * from the last back and stops once it has enough, rather than listing the
 * whole period to keep its end.
 */
export async function latestRecords<R = ExportRecord>(
  kv: KVNamespace, site: string, since: number, until: number, limit: number, list: ExportList = "mql",
): Promise<R[]> {
  const latest: R[] = [];
  for (let day = Math.floor((until - 1) / DAY_MS) * DAY_MS; day + DAY_MS > since && latest.length < limit; day -= DAY_MS) {
    const ofDay: R[] = [];
    const listing = listExports<R>(kv, site, { since: Math.max(since, day), until: Math.min(until, day + DAY_MS) }, list);
    for await (const record of listing.records) {
      ofDay.push(record);
      if (ofDay.length > limit) ofDay.shift(); // a busy day: only its last `limit` can be shown
    }
    latest.push(...ofDay.reverse());
  }
  return latest.slice(0, limit);
}
