import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type * as v from "valibot";
import { check } from "../../../shared/validation";
import { ApiError } from "../lib/errors";

/** Refuses bodies over `maxBytes` with 413, whether or not a Content-Length was sent. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "too_large", `body must be at most ${maxBytes} bytes`, "");
    },
  });
}

/**
 * The request's JSON body checked against `schema` (an empty body is `undefined`). Reads UTF-8 whatever the
 * Content-Type: the browser script sends `text/plain` to avoid a CORS preflight (bytes, not `text()`,
 * which logs a warning for every body whose type does not say text).
 */
export async function readJson<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  let body: unknown;
  try {
    const text = new TextDecoder().decode(await c.req.arrayBuffer());
    // No body at all is no value: routes whose body is optional take it.
    body = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(400, "invalid_json", "body must be JSON", "");
  }
  const checked = check(schema, body);
  if (!checked.ok) throw ApiError.invalid("invalid_body", checked.issues);
  return checked.value;
}
