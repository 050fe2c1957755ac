/**
 * The MQL export's three formats (CONTRACT §7), each written record by record so
 * a response streams: `json` ({ items, cursor }), `ndjson` (a record per line) and
 * `csv` (csv.ts).
 */
import { CSV_HEADER, csvRow } from "./csv";
import type { ExportRecord } from "./record";

export const FORMATS = ["json", "ndjson", "csv"] as const;
export type Format = (typeof FORMATS)[number];

export const CONTENT_TYPES: Record<Format, string> = {
  json: "application/json; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

interface Writer {
  begin(): string;
  item(record: ExportRecord, index: number): string;
  end(cursor: string | null): string;
}

export function writerFor(format: Format, placeholder?: string): Writer {
  switch (format) {
    case "json":
      return {
        begin: () => `{"items":[`,
        item: (r, i) => (i ? "," : "") + JSON.stringify(r),
        end: (cursor) => `],"cursor":${JSON.stringify(cursor)}}`,
      };
    case "ndjson":
      return { begin: () => "", item: (r) => `${JSON.stringify(r)}\n`, end: () => "" };
    case "csv":
      return { begin: () => CSV_HEADER, item: (r) => csvRow(r, placeholder), end: () => "" };
  }
}

/**
 * A response body writing `records` in `format` as they come (pulled: a slow
 * reader holds the listing back rather than the isolate's memory filling up).
 * `cursor` is asked once the records are done.
 */
export function exportBody(records: AsyncIterable<ExportRecord> | Iterable<ExportRecord>, writer: Writer, cursor: () => string | null): ReadableStream<Uint8Array> {
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
