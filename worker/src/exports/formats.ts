/**
 * The exports' formats (docs/api.md#mql-export), each written record by record so a response
 * streams: `json` ({ items, cursor }), `ndjson` (a record per line) and, for the MQL
 * export, `csv` (csv.ts). A page is answered with the next page's cursor in a header.
 */
import { CSV_HEADER, csvRow } from "./csv";
import type { ExportRecord } from "./record";
import type { ExportListing } from "./store";

export const FORMATS = ["json", "ndjson", "csv"] as const;
export type Format = (typeof FORMATS)[number];

export const CONTENT_TYPES: Record<Format, string> = {
  json: "application/json; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

interface Writer<R = ExportRecord> {
  begin(): string;
  item(record: R, index: number): string;
  end(cursor: string | null): string;
}

/** The formats of any record as JSON: the account export has these two, not the MQL export's CSV. */
export const JSON_FORMATS = ["json", "ndjson"] as const;

export function writerFor(format: Format, placeholder?: string): Writer {
  return format === "csv" ? { begin: () => CSV_HEADER, item: (r) => csvRow(r, placeholder), end: () => "" } : jsonWriter(format);
}

export function jsonWriter<R>(format: (typeof JSON_FORMATS)[number]): Writer<R> {
  return format === "json"
    ? { begin: () => `{"items":[`, item: (r, i) => (i ? "," : "") + JSON.stringify(r), end: (cursor) => `],"cursor":${JSON.stringify(cursor)}}` }
    : { begin: () => "", item: (r) => `${JSON.stringify(r)}\n`, end: () => "" };
}

/**
 * A response body writing `records` in `format` as they come (pulled: a slow
 * reader holds the listing back rather than the isolate's memory filling up).
 * `cursor` is asked once the records are done.
 */
export function exportBody<R>(records: AsyncIterable<R> | Iterable<R>, writer: Writer<R>, cursor: () => string | null): ReadableStream<Uint8Array> {
  async function* chunks() {
    yield writer.begin();
    let i = 0;
    for await (const record of records) yield writer.item(record, i++);
    yield writer.end(cursor());
  }
  const source = chunks();
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      for (;;) {
        const { value, done } = await source.next();
        if (done) return controller.close();
        // An empty chunk (ndjson has no header) would leave the reader waiting for a pull that never comes.
        if (value) return controller.enqueue(encoder.encode(value));
      }
    },
  });
}

/**
 * One page of an export as a response: read before answering, so the next page's
 * cursor can go in `X-Edgescore-Cursor` (absent at the end), then written out.
 */
export async function exportPage<R>(
  listing: ExportListing<R>, writer: Writer<R>, headers: { "Content-Type": string; "Content-Disposition"?: string },
): Promise<Response> {
  const records: R[] = [];
  for await (const record of listing.records) records.push(record);
  const next = listing.cursor();
  return new Response(exportBody(records, writer, () => next), { headers: { ...headers, ...(next && { "X-Edgescore-Cursor": next }) } });
}
