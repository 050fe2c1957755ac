/**
 * One call to a CRM's API, as both connectors make it: a timeout so that a slow CRM cannot
 * hold the courier, the body read as JSON when it is, and failures the CRM did not explain
 * (no answer, a 5xx) in words that tell an admin no more of the network than a status.
 */
import type { CrmFailure } from "./types";

/** How long a CRM has to answer one call. */
export const CRM_TIMEOUT_MS = 10_000;
/** Longest piece of a CRM's own message kept in an error: enough to act on, short enough to show. */
const MAX_MESSAGE = 500;

export interface Answer {
  status: number;
  headers: Headers;
  /** The body as JSON, or its text when it is not JSON (null when empty). */
  body: unknown;
}

/** Makes the call; answers what came back, or a failure when nothing did (retried by the caller). */
export async function call(url: string, init: RequestInit, timeoutMs: number): Promise<Answer | CrmFailure> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    return failure(err instanceof Error && err.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : "no answer: the connection failed");
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    return failure(`HTTP ${res.status}: the answer was cut off`);
  }
  return { status: res.status, headers: res.headers, body: parseBody(text) };
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Whether a step failed: a failure is the only result with `ok`. */
export function isFailure<T extends object>(result: T | CrmFailure): result is CrmFailure {
  return "ok" in result;
}

export function failure(error: string, flags: Omit<CrmFailure, "ok" | "error"> = {}): CrmFailure {
  return { ok: false, error, ...flags };
}

/** A CRM's own words, cut to a length an admin reads. */
function cut(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}

/** Retry-After (RFC 9110: delay in seconds, or an HTTP date) in ms from `now`; null when absent or unreadable. */
export function retryAfter(headers: Headers, now: number): number | null {
  const value = headers.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A status and the CRM's own words about it (`Salesforce HTTP 400: DUPLICATES_DETECTED: …`). */
export function statusWords(crm: string, status: number, detail: string): string {
  return `${crm} HTTP ${status}${detail ? `: ${cut(detail)}` : ""}`;
}

/** A 5xx, or any status a connector does not read otherwise: retried by the caller, sooner if the CRM said when. */
export function serverFailure(crm: string, answer: Answer, detail: string, now: number): CrmFailure {
  const after = retryAfter(answer.headers, now);
  return failure(statusWords(crm, answer.status, detail), after === null ? {} : { retryAfterMs: after });
}
