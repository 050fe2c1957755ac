import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { RejectedEvent } from "../../../shared/events";
import { Refused } from "../domain/errors";
import type { FieldIssue } from "../../../shared/validation";

/**
 * The one error shape of the API (docs/api.md#http-api):
 * `{ "error": { "code", "message", "path"?, "issues"? } }`.
 * Routes throw it, domain code throws Refused (domain/errors.ts); `onError` below is
 * the only place that answers errors.
 */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly issues?: FieldIssue[],
  ) {
    super(status, { message });
  }

  /** A 400 naming every bad field; `path` is the first of them. */
  static invalid(code: string, issues: FieldIssue[], prefix = ""): ApiError {
    const named = issues.map((i) => ({ path: joinPath(prefix, i.path), message: i.message }));
    const first = named[0]!;
    const message = named.map((i) => `${i.path || "(body)"}: ${i.message}`).join("; ");
    return new ApiError(400, code, message, first.path, named);
  }
}

export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith("[") ? prefix + path : `${prefix}.${path}`;
}

/**
 * An item of a batch that failed its check (`events[3].url: …`): listed in the
 * answer's `rejected`, while its batch-mates are kept (docs/api.md#post-v1collect).
 */
export function rejection(list: string, index: number, issues: FieldIssue[], code = "invalid_event"): RejectedEvent {
  const named = issues.map((i) => ({ ...i, path: joinPath(`${list}[${index}]`, i.path) }));
  return { index, code, message: named.map((i) => `${i.path}: ${i.message}`).join("; "), path: named[0]!.path };
}

export function errorBody(code: string, message: string, path?: string, issues?: FieldIssue[]) {
  return { error: { code, message, ...(path !== undefined && { path }), ...(issues && { issues }) } };
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.path, err.issues), err.status);
  }
  if (err instanceof Refused) return c.json(errorBody(err.code, err.message), 409);
  if (err instanceof HTTPException) {
    return c.json(errorBody(codeOf(err.status), err.message || "request refused"), err.status);
  }
  // Never echo internals (or a person's data) to the caller.
  console.error("unhandled", err instanceof Error ? err.stack ?? err.message : String(err));
  return c.json(errorBody("internal", "internal error"), 500);
}

function codeOf(status: number): string {
  return { 400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 413: "too_large", 429: "rate_limited" }[status] ?? "error";
}
