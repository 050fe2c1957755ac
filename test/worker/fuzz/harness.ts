/**
 * Fuzzing the worker from outside: fast-check generates requests to collect and the
 * management routes, valid and broken, and sends them through the worker's own fetch.
 * This module holds the generators and checks; the properties live in five test
 * files (test/worker/fuzz-*.test.ts), each a workerd instance of its own: under
 * vitest-pool-workers an instance serves each request slower than the one before
 * (cloudflare/workers-sdk#15446; here a property that ran 40 ms a run alone ran
 * 800 ms after 3,600 collect runs), so no file sends more than a few thousand. Properties, each on
 * fresh sites of its own:
 *   - no answer is a 5xx, and every answer is JSON: the route's success shape or
 *     `{ error: { code, message } }` (204s, CSV and ndjson exports aside);
 *   - a collect or server-events answer accounts for every event it was sent
 *     (`accepted + duplicates + rejected.length`), and a batch sent again is all duplicates;
 *   - afterwards, every lead of the email pool and a sample of the visitors touched
 *     satisfy the profile invariants: the explanation sums to the score per
 *     dimension, no dimension below 0, a legal stage, no event id twice.
 * At least 10,000 generated inputs per run over the five files (RUNS, one request
 * or a short sequence each; each file checks it ran its share). The seed is random, or `VITE_FUZZ_SEED` / `FUZZ_SEED` (Vite passes
 * only `VITE_`-prefixed variables into workerd); a failure names it. `VITE_FUZZ_SCALE`
 * multiplies every property's runs (e.g. 0.1 for a quick look, 5 for a long soak).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { expect, inject } from "vitest";
import worker from "../../../worker/src/index";
import { ADMIN, BROWSER_UA, call, createSite, explained, hmacHex, IDENTIFY_SECRET, ORIGIN } from "../helpers";
import { CUSTOM_TRAIT_KEY, isCustomTrait, MAX_CUSTOM_TRAITS, MAX_TRAIT_NUMBER } from "../../../shared/traits";

export type Json = Record<string, any>;

export const ENV = ((import.meta as unknown as { env?: Record<string, string | undefined> }).env ?? {});
export const SEED_TEXT = ENV.FUZZ_SEED ?? ENV.VITE_FUZZ_SEED;
export const SEED = SEED_TEXT !== undefined && Number.isInteger(Number(SEED_TEXT)) ? Number(SEED_TEXT) : Math.floor(Math.random() * 2 ** 31);
export const SCALE = Number(ENV.FUZZ_SCALE ?? ENV.VITE_FUZZ_SCALE ?? 1) || 1;
export const VERBOSE = Boolean(ENV.FUZZ_VERBOSE ?? ENV.VITE_FUZZ_VERBOSE);

/** Each property's share of the runs; they add up to 10,000 at scale 1. */
export const RUNS = {
  collect: 3600,
  stage: 300,
  serverEvents: 1300,
  feedback: 900,
  profiles: 900,
  configs: 800,
  catastrophic: 100,
  queries: 1100,
  mixed: 1000,
};
export const runsOf = (name: keyof typeof RUNS) => Math.max(1, Math.round(RUNS[name] * SCALE));
export const TOTAL_RUNS = Object.keys(RUNS).reduce((sum, name) => sum + runsOf(name as keyof typeof RUNS), 0);
let ranInputs = 0;
/** Inputs this file's properties have run so far. */
export const inputsRan = () => ranInputs;

export const STAGES = ["visitor", "lead", "mql", "sql", "opportunity", "customer", "disqualified"] as const;
export const QUALIFIED = new Set(["mql", "sql", "opportunity", "customer"]);
export const EVENT_TYPES = ["pageview", "download", "form", "track", "identify", "engagement", "vitals"] as const;
export const HEX64 = /^[0-9a-f]{64}$/;
export const MAX_BODY = 64 * 1024;

/** A small pool of people, so merges, shared computers and staff keep happening. */
export const EMAILS = ["ada@acme.com", "grace@navy.mil", "linus@kernel.org", "ops@staff.test", "bob@gmail.com", "eve@mailinator.com"];
/** A pool of browsers per site (kept under the per-visitor rate limit at these run counts). */
export const VIDS = Array.from({ length: 48 }, (_, i) => `fuzzvid-${String(i).padStart(3, "0")}`);
/** Event ids repeat within and across batches, browsers and leads. */
export const EVENT_IDS = Array.from({ length: 80 }, (_, i) => `e${i}`);
export const OTHER_ORIGIN = "http://localhost:8787";
export const STAFF_IP = "10.0.0.1";
export const HOOK_SECRET = "fuzz-webhook-secret-0123456789";

// --- sending and checking --------------------------------------------------

export interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** What the edge says of the request (country, verified bot). */
  cf?: Json;
}

/**
 * The worker's own fetch handler (worker/src/index.ts), called in this isolate with an
 * execution context of its own whose `waitUntil` work is awaited before the next request.
 * Not `exports.default.fetch` (helpers' `call`): under vitest-pool-workers every request
 * through it costs more than the one before (cloudflare/workers-sdk#15446; here 5 ms a
 * request at first, 30 ms after 300), which puts 10,000 requests out of any time budget.
 */
export async function fetchWorker(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export class Broken extends Error {}

/** Answers by status during the current property, to see what the generators reach. */
export const statuses = new Map<number, number>();

/** Fails the property with what was sent and what came back. */
export function broken(what: string, sent: Sent, answer?: Answer): never {
  const body = typeof sent.body === "string" ? sent.body : sent.body ? `<${sent.body.length} bytes>` : "";
  throw new Broken(
    `${what}\n  sent: ${sent.method} ${sent.path} ${JSON.stringify(sent.headers ?? {})}\n  body: ${body.slice(0, 1500)}${body.length > 1500 ? `… (${body.length} chars)` : ""}`
    + (answer ? `\n  answer: ${answer.status} ${answer.text.slice(0, 1500)}` : ""),
  );
}

/**
 * Sends a request through the worker and checks what every answer must be: below 500,
 * and JSON (the success shape or the error shape) unless it is a 204 or an export
 * in CSV or ndjson.
 */
export async function send(sent: Sent): Promise<Answer> {
  const request = new Request(`https://edge.test${sent.path}`, { method: sent.method, headers: sent.headers, body: sent.body ?? null, ...(sent.cf && { cf: sent.cf }) });
  let res: Response;
  try {
    res = await fetchWorker(request);
  } catch (err) {
    broken(`the handler threw (a 500 at the edge): ${(err as Error)?.stack ?? err}`, sent);
  }
  const text = await res.text();
  const answer: Answer = { status: res.status, headers: res.headers, text, body: undefined };
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  if (res.status >= 500) broken(`answered ${res.status}`, sent, answer);
  if (res.status === 204) {
    if (text !== "") broken("a 204 with a body", sent, answer);
    return answer;
  }
  const type = res.headers.get("Content-Type") ?? "";
  if (res.ok && /^text\/csv|^application\/x-ndjson/.test(type)) return answer;
  try {
    answer.body = JSON.parse(text);
  } catch {
    broken(`answered ${res.status} with a body that is not JSON (${type})`, sent, answer);
  }
  if (!/^application\/json/.test(type)) broken(`JSON answered as ${type}`, sent, answer);
  if (res.status >= 400) {
    const error = answer.body?.error;
    if (typeof error?.code !== "string" || typeof error?.message !== "string" || !error.code || !error.message) {
      broken("an error answer without { error: { code, message } }", sent, answer);
    }
    if (res.status === 429 && !res.headers.get("Retry-After")) broken("a 429 without Retry-After", sent, answer);
  } else if (typeof answer.body !== "object" || answer.body === null || "error" in answer.body) {
    broken("a success answer that is no object, or carries an error", sent, answer);
  }
  return answer;
}

export const isScore = (s: any) => s && [s.fit, s.engagement, s.total].every((n) => typeof n === "number" && Number.isFinite(n))
  && s.fit >= 0 && s.engagement >= 0 && s.total === s.fit + s.engagement;

/** `{ accepted, duplicates, rejected }` accounting for all `count` events sent. */
export function checkCounts(answer: Answer, count: number | undefined, sent: Sent, list: "events" | ""): void {
  const { accepted, duplicates, rejected } = answer.body;
  if (!Number.isInteger(accepted) || !Number.isInteger(duplicates) || accepted < 0 || duplicates < 0 || !Array.isArray(rejected)) {
    broken("counts missing", sent, answer);
  }
  const indexes = rejected.map((r: any) => r.index);
  if (rejected.some((r: any) => !Number.isInteger(r.index) || typeof r.code !== "string" || typeof r.message !== "string")) broken("a rejection without index, code, message", sent, answer);
  if (indexes.some((i: number, k: number) => k > 0 && i <= indexes[k - 1])) broken("rejections not in order, or one event rejected twice", sent, answer);
  if (rejected.some((r: any) => typeof r.path === "string" && !r.path.startsWith(`${list}[${r.index}]`))) broken("a rejection whose path is not its event's", sent, answer);
  if (count !== undefined && accepted + duplicates + rejected.length !== count) {
    broken(`accepted + duplicates + rejected = ${accepted} + ${duplicates} + ${rejected.length}, sent ${count} events`, sent, answer);
  }
}

/** A collect answer (200): what the browser may see, and every event accounted for. */
export function checkCollect(answer: Answer, sent: Sent, count: number | undefined, vid: unknown, publicStages: readonly string[]): void {
  const b = answer.body;
  if (b.vid !== vid) broken("the answer names another visitor", sent, answer);
  if (!HEX64.test(b.profile)) broken("profile is not a 64-hex id", sent, answer);
  checkStageView(b, sent, answer, publicStages);
  // No traits ever (what a rejection message quotes of the sender's own input aside).
  if (JSON.stringify({ ...b, rejected: [] }).includes("@")) broken("a collect answer holds an email", sent, answer);
  if (b.reset === true) {
    if (b.accepted !== 0 || b.duplicates !== 0) broken("an erased browser's events were kept", sent, answer);
    return;
  }
  checkCounts(answer, count, sent, "events");
}

export function checkStageView(b: any, sent: Sent, answer: Answer, publicStages: readonly string[]): void {
  if (!isScore(b.score)) broken("a score below 0, or total ≠ fit + engagement", sent, answer);
  if (typeof b.mql !== "boolean") broken("mql is no boolean", sent, answer);
  if (b.stage !== "visitor" && !publicStages.includes(b.stage)) broken(`stage ${b.stage} is not public`, sent, answer);
  if (QUALIFIED.has(b.stage) && !b.mql) broken("a qualified stage shown with mql: false", sent, answer);
  if (publicStages.includes("mql") && !QUALIFIED.has(b.stage) && b.mql) broken("mql: true shown below mql", sent, answer);
}

/** The profile invariants (objects/profile.ts), on the profile API's view. */
export function checkProfile(p: Json, where: string, email?: string): void {
  const fail = (what: string): never => {
    throw new Broken(`${where}: ${what}\n  profile: ${JSON.stringify(p).slice(0, 3000)}`);
  };
  if (!HEX64.test(p.id)) fail("id is not 64 hex");
  if (p.kind !== "lead" && p.kind !== "visitor") fail("unknown kind");
  if (!(STAGES as readonly string[]).includes(p.stage)) fail(`illegal stage ${p.stage}`);
  if (!isScore(p.score)) fail("a score below 0, or total ≠ fit + engagement");
  if (!Array.isArray(p.explanation) || p.explanation.some((l: any) => l.dimension !== "fit" && l.dimension !== "engagement" || typeof l.points !== "number")) {
    fail("an explanation line without dimension or points");
  }
  const sums = explained(p.explanation);
  if (sums.fit !== p.score.fit || sums.engagement !== p.score.engagement || sums.total !== p.score.total) {
    fail(`the explanation sums to ${JSON.stringify(sums)}, the score is ${JSON.stringify(p.score)}`);
  }
  const ids: string[] = p.timeline.map((e: { id: string }) => e.id);
  const seen = new Set(ids);
  if (seen.size !== ids.length) fail(`an event twice in the timeline: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(", ")}`);
  for (const line of p.explanation) {
    if (!Array.isArray(line.events) || new Set(line.events).size !== line.events.length) fail(`rule ${line.rule} counts an event twice`);
    if (!p.timelineTruncated && line.events.some((id: string) => !seen.has(id))) fail(`rule ${line.rule} names an event the profile does not hold`);
  }
  if (!Array.isArray(p.stages) || p.stages.some((s: any) => !(STAGES as readonly string[]).includes(s.stage))) fail("an illegal stage in the history");
  if (p.stages.length ? p.stages.at(-1).stage !== p.stage : p.stage !== "visitor") fail("the stage is not the last one entered");
  checkTraits(p.traits, fail);
  if (p.kind === "lead") {
    if (typeof p.traits.email !== "string") fail("a lead without an email");
    if (email !== undefined && p.traits.email !== email.trim().toLowerCase()) fail(`looked up ${email}, found ${p.traits.email}`);
  }
}

/** The traits a profile holds (docs/rules.md, Traits): kept values of their kinds, within their bounds, the derived ones derived. */
function checkTraits(traits: Json, fail: (what: string) => never): void {
  const custom = Object.keys(traits).filter(isCustomTrait);
  if (custom.length > MAX_CUSTOM_TRAITS) fail(`${custom.length} custom traits`);
  for (const key of custom) if (!CUSTOM_TRAIT_KEY.test(key)) fail(`a custom trait key ${JSON.stringify(key)}`);
  for (const [key, value] of Object.entries(traits)) {
    const kept = typeof value === "string" ? value.length <= 256
      : typeof value === "number" ? Number.isFinite(value) && Math.abs(value) <= MAX_TRAIT_NUMBER : typeof value === "boolean";
    if (!kept) fail(`trait ${key} holds ${JSON.stringify(value)}`);
  }
  for (const key of ["email", "emailDomain", "emailType", "country"]) {
    if (key in traits && typeof traits[key] !== "string") fail(`trait ${key} is no text`);
  }
  const domain = typeof traits.email === "string" && traits.email.includes("@") ? traits.email.slice(traits.email.lastIndexOf("@") + 1) : undefined;
  if (traits.emailDomain !== domain) fail(`emailDomain ${traits.emailDomain} for email ${traits.email}`);
}

/** A site's fuzzing run touched these: its leads are the email pool's, its browsers these profile ids. */
export interface Touched {
  site: string;
  profiles: Set<string>;
}

/** After a property: every lead of the pool, and a sample of the profiles its answers named. */
export async function checkTouched(touched: Touched[], sample = 60): Promise<number> {
  let checked = 0;
  for (const { site, profiles } of touched) {
    for (const email of EMAILS) {
      const sent: Sent = { method: "POST", path: `/v1/sites/${site}/profiles/lookup`, headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ email }) };
      const answer = await send(sent);
      if (answer.status === 404) continue;
      if (answer.status !== 200) broken("a lookup failed", sent, answer);
      checkProfile(answer.body, `site ${site}, lead of ${email}`, email);
      checked++;
    }
    const ids = [...profiles];
    for (let i = 0; i < Math.min(sample, ids.length); i++) {
      const id = ids[Math.floor((i * ids.length) / Math.min(sample, ids.length))]!;
      const sent: Sent = { method: "GET", path: `/v1/sites/${site}/profiles/${id}`, headers: ADMIN };
      const answer = await send(sent);
      if (answer.status === 404) continue; // erased, or a profile that holds nothing (an empty batch)
      if (answer.status !== 200) broken("a profile read failed", sent, answer);
      checkProfile(answer.body, `site ${site}, profile ${id}`);
      checked++;
    }
  }
  return checked;
}

/**
 * What `make` makes, made again every RENEW_EVERY calls. Properties that send
 * thousands of requests to a few people take fresh sites now and then, so
 * profiles stay the size real ones reach (a lead replays its history when a
 * merge brings older events) and each run costs about what the first did.
 */
export const RENEW_EVERY = 400;
export function renewing<T>(make: () => Promise<T>): () => Promise<T> {
  let calls = 0;
  let current: Promise<T> | undefined;
  return () => {
    if (calls++ % RENEW_EVERY === 0) current = make();
    return current!;
  };
}

/**
 * A property (its shrinking included) that runs longer than this is stopped and fails: the
 * budget is minutes for the whole file, and a shrink of a stateful failure can run away.
 */
export const INTERRUPT_MS = 420_000;

/** Runs one property with its share of the runs, naming the seed on failure. */
export async function fuzz<T>(
  name: keyof typeof RUNS, offset: number, arb: fc.Arbitrary<T>, run: (input: T) => Promise<void>,
  { runs: share, ...options }: { endOnFailure?: boolean; runs?: number } = {},
): Promise<void> {
  const numRuns = share ?? runsOf(name);
  const seed = SEED + offset;
  const started = Date.now();
  let runs = 0;
  statuses.clear();
  try {
    await fc.assert(fc.asyncProperty(arb, async (input) => {
      runs++;
      if (VERBOSE && runs % 250 === 0) console.log(`fuzz ${name}: ${runs} runs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await run(input);
    }), { numRuns, seed, interruptAfterTimeLimit: INTERRUPT_MS, markInterruptAsFailure: true, ...options });
  } catch (err) {
    throw new Error(`fuzz "${name}" failed (reproduce with VITE_FUZZ_SEED=${SEED}; this property's seed ${seed})\n${(err as Error).message}`, { cause: err });
  }
  ranInputs += numRuns;
  const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(" ");
  console.log(`fuzz ${name}: ${numRuns} inputs (${runs} runs) in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${seed}; answers ${answers}`);
}

// --- generators -------------------------------------------------------------

export const pick = <const T extends readonly unknown[]>(...values: T): fc.Arbitrary<T[number]> => fc.constantFrom(...values);
export const weighted = <T>(...pairs: [number, fc.Arbitrary<T>][]) => fc.oneof(...pairs.map(([weight, arbitrary]) => ({ weight, arbitrary })));
/** Present half the time. */
export const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
/** Present once in `n` times. */
export const rarely = <T>(arb: fc.Arbitrary<T>, n: number) => weighted<T | undefined>([n - 1, fc.constant(undefined)], [1, arb]);
/** Absent once in `n` times. */
export const usually = <T>(arb: fc.Arbitrary<T>, n: number) => fc.option(arb, { nil: undefined, freq: n });

/** Short text of any kind: ASCII, any code point (lone surrogates included), graphemes. */
export const shortText = weighted<string>(
  [4, fc.string({ maxLength: 20 })],
  [3, fc.string({ unit: "binary", maxLength: 20 })],
  [2, fc.string({ unit: "grapheme", maxLength: 12 })],
);
export const anyText = weighted<string>([9, shortText], [1, fc.integer({ min: 0, max: 5000 }).map((n) => "x".repeat(n))]);

/** Raw JSON text inserted as is (so the generator itself never nests that deep): arrays nested `depth` times. */
export const RAW = "\u0000raw:";
export const deepJunk = pick(10, 100, 1000, 5000, 12000).map((depth) => `${RAW}${"[".repeat(depth)}${"]".repeat(depth)}`);

export const junk: fc.Arbitrary<unknown> = weighted<unknown>(
  [2, pick(null, true, false, 0, -1, 1e308, -1e-300, "", "null", "[]", "{}", "__proto__", "constructor")],
  [2, fc.integer()],
  [2, fc.double({ noNaN: true, noDefaultInfinity: true })],
  [3, anyText],
  [2, fc.jsonValue({ maxDepth: 3 })],
  [1, fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 })],
  [1, fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), fc.string({ maxLength: 4 }), { maxKeys: 3 })],
  [1, deepJunk],
);

/** JSON text of a value, with RAW strings spliced in as raw JSON. */
export function serialise(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v === "string" && v.startsWith(RAW)) {
      raws.push(v.slice(RAW.length));
      return `${RAW}${raws.length - 1}`;
    }
    return v;
  });
  return raws.length ? text.replace(/"\\u0000raw:(\d+)"/g, (_m, i: string) => raws[Number(i)]!) : text;
}

/**
 * The object, or (once in `oneIn`) broken in one place: a field dropped, set to junk, or set
 * to one of `breakers`, values known to be wrong there (`[key, value]`).
 */
export function mutated<T extends Json>(base: fc.Arbitrary<T>, oneIn: number, breakers: ReadonlyArray<readonly [string, unknown]> = []): fc.Arbitrary<T> {
  const how = weighted<[string, number, unknown]>(
    [1, fc.tuple(fc.constant("drop"), fc.nat(), fc.constant(undefined))],
    [2, fc.tuple(fc.constant("junk"), fc.nat(), junk)],
    ...(breakers.length ? [[4, fc.tuple(fc.constant("break"), fc.nat({ max: breakers.length - 1 }), fc.constant(undefined))] as [number, fc.Arbitrary<[string, number, unknown]>]] : []),
  );
  return fc.tuple(base, rarely(how, oneIn)).map(([value, mutation]) => {
    if (!mutation) return value;
    const [kind, n, replacement] = mutation;
    const copy: Json = { ...value };
    const keys = Object.keys(value);
    if (kind === "break") {
      const [key, wrong] = breakers[n]!;
      copy[key] = wrong;
    } else if (keys.length) {
      const key = keys[n % keys.length]!;
      if (kind === "drop") delete copy[key];
      else copy[key] = replacement;
    }
    return copy as T;
  });
}

export const PATHS = [
  "/", "/pricing", "/pricing/", "/pricing/team", "/plans", "/plans/a/b", "/docs/a", "/files/guide.pdf", "/blog/ünïcödé/€",
  "/%E2%82%AC/%00", "/a?utm_source=news&token=secret&gclid=abc#frag", "/contact?email=ada%40acme.com",
  `/${"p".repeat(1990)}`, `/${"a/".repeat(300)}`, `/${"a".repeat(300)}`,
];
export const pageUrl = weighted<string>(
  [10, fc.tuple(pick(ORIGIN, ORIGIN, ORIGIN, OTHER_ORIGIN, "https://other.test", "https://user:pw@www.acme.test"), pick(...PATHS)).map(([o, p]) => o + p)],
  [1, pick("HTTPS://WWW.ACME.TEST/PRICING", "https://www.acme.test:443/pricing", "http://www.acme.test/pricing")],
);
export const BAD_URLS = ["", "javascript:alert(1)", "ftp://www.acme.test/x", "//www.acme.test/x", "/pricing", "https://", "http://[::1",
  "https://a b.test/", `${ORIGIN}/${"x".repeat(2048)}`, "data:text/html,hi", "https://www.acme.test:99999/", 42, null];
export const HREFS = ["/files/a.pdf", "/files/b.PDF", "https://cdn.test/c.epub?x=1", "d.docx", "/logo.png", "javascript:void(0)", "", "https://user:pw@cdn.test/e.pptx#x", `/${"z".repeat(3000)}.pdf`];
export const TRACK_NAMES = ["demo_request", "demo_request", "webinar_attended", "email_open", "email_open", "email_unsubscribe", "signup", "Demo_Request", "𝕕𝕖𝕞𝕠", "x".repeat(128)];
export const TITLES = ["VP Marketing", "Director of Sales", "Intern", "CTO", "Chief Fun Officer", "", "   ", "a".repeat(256), "Директор", "💼 Head of Growth"];
export const SIZES = ["51-200", "1,000+", "10", "5000", "5001", "abc", "9".repeat(250), "-5", "1e9", "Infinity"];

export const emailVariant = fc.tuple(pick(...EMAILS), pick("plain", "plain", "upper", "spaces")).map(([email, style]) =>
  style === "upper" ? email.toUpperCase() : style === "spaces" ? `  ${email}\t` : email);
export const BAD_EMAILS = ["", "not-an-email", "a@b", "@acme.com", `${"a".repeat(250)}@acme.com`, "ädä@exämple.com", "ada@acme.com\u0000", "<script>@x.y", 42];
/** An email of the pool, now and then a wrong one. */
export const email = weighted<unknown>([12, emailVariant], [1, pick(...BAD_EMAILS)]);

/** Number trait values: sizes and revenues, negative, fractional, at and near the 1e15 bound. */
export const TRAIT_NUMBERS = [0, 10, 51, 1000, 5000, 5001, -5, 0.5, -0.25, 25_000_000, 9_999_999, 1e15, -1e15, 999_999_999_999_999];
/** A trait value of any accepted kind: text, number, boolean, null (a removal). */
export const traitValue = weighted<string | number | boolean | null>(
  [4, pick(...TITLES)], [4, pick(...TRAIT_NUMBERS)], [2, fc.integer({ min: -1e15, max: 1e15 })], [2, fc.boolean()], [2, fc.constant(null)],
);
/** Keys of the site's own, some named like the prototype's properties. */
export const CUSTOM_KEYS = ["annualRevenue", "plan", "trial", "budgetAuthority", "seats", "constructor", "toString", "hasOwnProperty", "k".repeat(64)];

export const TRAIT_BREAKERS = [
  ["email", "not-an-email"], ["email", 7], ["email", null], ["title", "a".repeat(257)], ["companySize", "9".repeat(300)], ["country", "USA"], ["country", "1A"],
  ["country", ""], ["country", 44], ["phone", "x".repeat(65)], ["title", { nested: true }], ["annualRevenue", 1e16], ["annualRevenue", -1e300],
  ["companySize", 1e308], ["stack", ["react"]], ["emailDomain", "acme.com"], ["emailType", "free"], ["annual.revenue", 1], ["_x", 1], ["1st", 1],
  ["k".repeat(65), 1], ["many", "\u0000many"],
] as const;
/** Traits an identify gives: named and custom keys, values of every kind; `many` (a breaker) stands for 51 custom keys at once. */
export const traits = mutated(fc.record({
  email: usually(emailVariant, 6),
  title: maybe(weighted<unknown>([4, pick(...TITLES)], [1, traitValue])),
  companySize: maybe(weighted<unknown>([3, pick(...SIZES)], [2, pick(...TRAIT_NUMBERS)], [1, traitValue])),
  country: rarely(pick("US", "us", "GB", "NG", null), 3),
  firstName: rarely(shortText, 4),
  company: rarely(shortText, 4),
  phone: rarely(pick("+1 555 0100", 4155550100, null), 6),
  custom: rarely(fc.dictionary(pick(...CUSTOM_KEYS), traitValue, { maxKeys: 5 }), 2),
}, { requiredKeys: [] }).map(({ custom, ...named }) => ({ ...custom, ...named })), 8, TRAIT_BREAKERS).map(manyKeys);

/** Traits whose `many` breaker became 51 custom keys: one too many for an event. */
function manyKeys<T extends Json>(traits: T): T {
  if (traits.many !== "\u0000many") return traits;
  const { many: _many, ...rest } = traits;
  return { ...rest, ...Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`extra${i}`, i])) } as T;
}

/** Free-form props, now and then over their 4 KiB limit or nested deep. */
export const props = weighted<unknown>(
  [12, fc.record({ title: shortText, ref: pick("https://google.com/search?q=x", "android-app://x", "junk"), href: pick(...HREFS),
    webinar: pick("w1", "w2", "w3"), utm_source: pick("news", "ads"), metric: pick("LCP", "INP", "CLS"), value: fc.double() }, { requiredKeys: [] })],
  [1, fc.dictionary(fc.string({ unit: "binary", maxLength: 70 }), junk, { maxKeys: 4 })],
  [1, fc.integer({ min: 3900, max: 4200 }).map((n) => ({ big: "y".repeat(n) }))],
  [1, fc.integer({ min: 1, max: 1400 }).map((n) => ({ big: "é".repeat(n * 3) }))],
  [1, junk],
);

export type Sign = "none" | "valid" | "wrong" | "expired" | "malformed" | "other-email";

export interface WireEvent {
  event: Json;
  sign: Sign;
}

export const EVENT_BREAKERS = [
  ["id", ""], ["id", "a b"], ["id", "x".repeat(65)], ["id", 42], ["type", "click"], ["type", "PAGEVIEW"], ["type", null],
  ["ts", -1], ["ts", "1763800000000"], ["ts", null], ["name", ""], ["name", "x".repeat(129)], ["traits", "ada@acme.com"],
  ["props", { ["k".repeat(65)]: 1 }], ["bot", "yes"], ["signature", "zz"], ["expires", 1.5],
  ...BAD_URLS.map((url) => ["url", url] as const),
] as const;

/** One event as a browser (or something pretending to be one) sends it. */
export const wireEvent: fc.Arbitrary<WireEvent> = fc.record({
  id: weighted<string>([12, pick(...EVENT_IDS)], [3, fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)]),
  type: pick("pageview", "pageview", "download", "form", "track", "track", "identify", "identify", "engagement", "vitals"),
  ts: weighted<number>([10, fc.integer({ min: -3_600_000, max: 60_000 }).map((d) => Date.now() + d)], [1, pick(0, 1.5, 1e300, Number.MAX_SAFE_INTEGER)]),
  url: pageUrl,
  props: maybe(props),
  name: pick(...TRACK_NAMES),
  traits,
  bot: rarely(fc.boolean(), 8),
  sign: pick("none", "none", "valid", "valid", "wrong", "expired", "other-email"),
}).chain(({ sign, name, traits: given, ...e }) => {
  // The fields each type has, so that most events get past the check and reach the rules.
  const event: Json = { ...e };
  if (event.props === undefined) delete event.props;
  if (event.bot === undefined) delete event.bot;
  // A form's fields are the named traits only (its allowlist): its custom keys are left out.
  const fields = given && Object.fromEntries(Object.entries(given).filter(([key]) => !isCustomTrait(key)));
  if (event.type === "form") event.props = { form: "contact", action: "/contact", ...(typeof e.props === "object" && e.props), fields };
  if (event.type === "download" && event.props === undefined) event.props = { href: "/files/a.pdf" };
  if (event.type === "track") event.name = name;
  if (event.type === "identify") event.traits = given;
  return mutated(fc.constant(event), 8, EVENT_BREAKERS).map((broken) => ({ event: broken, sign }));
});

export const events = weighted<WireEvent[]>(
  [16, fc.array(wireEvent, { minLength: 1, maxLength: 6 })],
  [1, fc.constant([])],
  [1, fc.array(wireEvent, { minLength: 45, maxLength: 60 })],
);

/** Signs (or mis-signs) an identify the way its plan says. */
export async function signed(site: string, { event, sign }: WireEvent): Promise<Json> {
  const mail = event.traits?.email;
  if (sign === "none" || event.type !== "identify" || typeof mail !== "string" || event.signature !== undefined) return event;
  if (sign === "malformed") return { ...event, signature: "zz", expires: "soon" };
  const expires = Math.floor(Date.now() / 1000) + (sign === "expired" ? -60 : 3600);
  const who = sign === "other-email" ? "someone@else.test" : mail.trim().toLowerCase();
  const signature = sign === "wrong" ? "0".repeat(64) : await hmacHex(IDENTIFY_SECRET, `${site}|${who}|${expires}`);
  return { ...event, signature, expires };
}

export const SITE_IDS_BAD = ["", "UPPER", "-lead", "a".repeat(64), "no_underscores", "ünï", "demo site", "../etc", "no-such-site"];
export const contentType = weighted<string | undefined>(
  [12, pick("text/plain", "text/plain;charset=UTF-8")],
  [2, pick(undefined, "application/json")],
  [1, pick("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "text/html; charset=latin1")],
  [1, fc.string({ maxLength: 30 })],
);
export const origin = weighted<string | undefined>(
  [16, fc.constant(ORIGIN)],
  [2, pick("null", OTHER_ORIGIN)],
  [1, pick(undefined, "", "https://evil.test", `${ORIGIN}/`, "HTTPS://WWW.ACME.TEST", "https://www.acme.test:443", "https://www.açme.test", "null null")],
);

export interface CollectPlan {
  site: number;
  siteJunk?: unknown;
  vid: unknown;
  sid?: unknown;
  events: WireEvent[];
  envelopeMutation?: [number, boolean, unknown];
  extra?: Json;
  body: "envelope" | "events-junk" | "not-json" | "bytes" | "json-junk" | "huge" | "empty";
  raw: string;
  bytes: Uint8Array;
  contentType?: string;
  origin?: string;
  userAgent?: string;
  ip?: string;
  cf?: Json;
  method: string;
  resend: boolean;
}

export const collectPlan = (siteCount: number): fc.Arbitrary<CollectPlan> => fc.record({
  site: fc.nat({ max: siteCount - 1 }),
  siteJunk: rarely(weighted<unknown>([3, pick(...SITE_IDS_BAD)], [1, junk]), 40),
  vid: weighted<unknown>([40, pick(...VIDS)], [1, fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/)], [1, pick("short", "x".repeat(65), "has space1", "", 12345678)]),
  sid: maybe(weighted<unknown>([12, pick("s1", "s2", "s3")], [1, pick("", "bad sid", "s".repeat(65), 5)])),
  events,
  envelopeMutation: rarely(fc.tuple(fc.nat(), fc.boolean(), junk), 40),
  extra: rarely(fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 2 }), 10),
  body: weighted<CollectPlan["body"]>(
    [60, fc.constant("envelope")], [1, fc.constant("events-junk")], [2, fc.constant("not-json")], [1, fc.constant("bytes")],
    [1, fc.constant("json-junk")], [2, fc.constant("huge")], [1, fc.constant("empty")],
  ),
  raw: weighted<string>([3, fc.string({ unit: "binary", maxLength: 200 })], [1, pick("{", "{\"site\":", "[1,2", "undefined", "NaN", "{'site':'x'}", "\uFEFF{}", "  ")]),
  bytes: fc.uint8Array({ maxLength: 200 }),
  contentType,
  origin,
  userAgent: rarely(pick("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "HeadlessChrome/120", "curl/8.0", "", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"), 5),
  ip: rarely(pick(STAFF_IP, "203.0.113.9", "::1"), 10),
  cf: rarely(pick({ country: "NG" }, { country: "US" }, { country: "T1" }, { verifiedBotCategory: "Search Engine Crawler" }, { botManagement: { verifiedBot: true } }), 5),
  method: weighted<string>([60, fc.constant("POST")], [1, pick("OPTIONS", "GET", "PUT", "DELETE")]),
  resend: weighted<boolean>([4, fc.constant(false)], [1, fc.constant(true)]),
}, { requiredKeys: ["site", "vid", "events", "body", "raw", "bytes", "method", "resend"] });

export interface CollectSite {
  id: string;
  publicStages: readonly string[];
  touched: Touched;
}

/** Builds the request a plan describes; `count` is the number of events when its body is an envelope. */
export async function collectRequest(plan: CollectPlan, site: CollectSite): Promise<{ sent: Sent; count?: number; vid?: unknown }> {
  const headers: Record<string, string> = {};
  if (plan.contentType !== undefined) headers["Content-Type"] = plan.contentType;
  if (plan.origin !== undefined) headers.Origin = plan.origin;
  headers["User-Agent"] = plan.userAgent ?? BROWSER_UA;
  if (plan.ip) headers["CF-Connecting-IP"] = plan.ip;
  const siteId = plan.siteJunk ?? site.id;
  const wire = await Promise.all(plan.events.map((e) => signed(site.id, e)));
  const envelope: Json = { site: siteId, vid: plan.vid, ...(plan.sid !== undefined && { sid: plan.sid }), events: wire, ...plan.extra };
  if (plan.envelopeMutation) {
    const [k, drop, value] = plan.envelopeMutation;
    const key = ["site", "vid", "sid", "events"][k % 4]!;
    if (drop) delete envelope[key];
    else envelope[key] = value;
  }
  let body: string | Uint8Array;
  switch (plan.body) {
    case "envelope":
      body = serialise(envelope);
      break;
    case "events-junk": // the envelope around an events list that is not one
      body = serialise({ ...envelope, events: plan.events.length ? wire[0] : "events" });
      break;
    case "not-json":
      body = plan.raw;
      break;
    case "bytes":
      body = plan.bytes;
      break;
    case "json-junk":
      body = serialise(wire.length ? wire : plan.raw);
      break;
    case "huge": {
      // Near the 64 KiB limit, in characters of 1 to 4 bytes.
      const unit = ["a", "é", "€", "😀"][plan.raw.length % 4]!;
      const target = MAX_BODY - 200 + (plan.bytes.length * 3) % 400;
      body = serialise({ ...envelope, pad: unit.repeat(Math.floor(target / new TextEncoder().encode(unit).length)) });
      break;
    }
    case "empty":
      body = "";
  }
  const sent: Sent = { method: plan.method, path: "/v1/collect", headers, ...(plan.method !== "GET" && { body }), ...(plan.cf && { cf: plan.cf }) };
  const envelopeSent = plan.body === "envelope" || plan.body === "huge";
  return { sent, count: envelopeSent && Array.isArray(envelope.events) ? envelope.events.length : undefined, vid: envelope.vid };
}

/** Sends a collect plan (twice when it says so) and checks the answers. */
export async function runCollect(plan: CollectPlan, site: CollectSite): Promise<void> {
  const { sent, count, vid } = await collectRequest(plan, site);
  const first = await send(sent);
  const size = typeof sent.body === "string" ? new TextEncoder().encode(sent.body).length : sent.body?.length ?? 0;
  if (plan.method === "POST") {
    if (size > MAX_BODY && first.status !== 413) broken(`a ${size}-byte body not refused with 413`, sent, first);
    if (size <= MAX_BODY && plan.body === "not-json" && plan.raw.trim() !== "" && !isJson(withoutBom(plan.raw)) && first.body?.error?.code !== "invalid_json") {
      broken("a body that is not JSON not answered invalid_json", sent, first);
    }
  } else if (plan.method === "OPTIONS" && first.status !== 204) {
    broken("a preflight not answered 204", sent, first);
  }
  if (first.status !== 200 || plan.method !== "POST") return;
  checkCollect(first, sent, count, vid, site.publicStages);
  site.touched.profiles.add(first.body.profile);
  if (!plan.resend) return;
  const again = await send(sent);
  if (again.status !== 200) return; // rate limited
  checkCollect(again, sent, count, vid, site.publicStages);
  const b = first.body;
  if (!again.body.reset && !b.reset && (again.body.accepted !== 0 || again.body.duplicates !== b.accepted + b.duplicates)) {
    broken(`sent again, ${again.body.accepted} accepted and ${again.body.duplicates} duplicates (first: ${b.accepted} + ${b.duplicates})`, sent, again);
  }
}

/** The body as the worker reads it: decoding UTF-8 drops a byte order mark. */
export const withoutBom = (text: string) => text.replace(/^\uFEFF/, "");

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// --- management generators ---------------------------------------------------

/** Authorization: mostly the admin token; sometimes none, a wrong one, or a key of another scope or site. */
export const auth = weighted<string>([40, fc.constant("admin")], [1, pick("none", "wrong", "basic", "reader", "other-site")]);

export interface Keys {
  reader: string; // profiles:read only, on the property's site
  otherSite: string; // a full key of another site
}

export function authHeaders(kind: string, keys: Keys): Record<string, string> {
  switch (kind) {
    case "admin":
      return { ...ADMIN };
    case "none":
      return {};
    case "wrong":
      return { Authorization: "Bearer not-the-token" };
    case "basic":
      return { Authorization: "Basic dGVzdDp0ZXN0" };
    case "reader":
      return { Authorization: `Bearer ${keys.reader}` };
    default:
      return { Authorization: `Bearer ${keys.otherSite}` };
  }
}

export async function keysFor(site: string, other: string): Promise<Keys> {
  const key = async (s: string, scopes?: string[]) => {
    const res = await call(`/v1/sites/${s}/keys`, { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify(scopes ? { scopes } : {}) });
    if (res.status !== 201) throw new Error(`key not created: ${res.status} ${await res.text()}`);
    return (await res.json<{ key: string }>()).key;
  };
  return { reader: await key(site, ["profiles:read"]), otherSite: await key(other) };
}

export const SERVER_BREAKERS = [
  ["id", ""], ["id", "a b"], ["id", 7], ["email", "not-an-email"], ["email", ""], ["type", "form"], ["type", "vitals"], ["type", null],
  ["name", ""], ["ts", -5], ["ts", "now"], ["url", "javascript:x"], ["props", "p"], ["traits", { email: "ada@acme.com" }], ["traits", { title: "a".repeat(257) }],
  ["traits", { annualRevenue: 1e16 }], ["traits", { emailType: "free" }], ["traits", { "plan.tier": "pro" }], ["traits", { stack: { a: 1 } }],
] as const;

export const serverEvent = fc.record({
  id: weighted<string>([10, pick(...EVENT_IDS)], [3, fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)]),
  email: emailVariant,
  type: pick("track", "track", "identify", "pageview", "download"),
  name: pick(...TRACK_NAMES),
  ts: fc.integer({ min: -86_400_000, max: 60_000 }).map((d) => Date.now() + d),
  url: maybe(pageUrl),
  props: maybe(props),
  traits: fc.record({
    title: pick(...TITLES), companySize: weighted<unknown>([2, pick(...SIZES)], [1, traitValue]), country: pick("US", "NG", "gb", null), company: shortText,
    annualRevenue: traitValue, trial: traitValue,
  }, { requiredKeys: [] }),
}, { requiredKeys: ["id", "email", "type", "ts", "name", "traits"] }).chain(({ name, traits: given, ...e }) => {
  const event: Json = { ...e };
  for (const key of ["url", "props"]) if (event[key] === undefined) delete event[key];
  if (event.type === "track") event.name = name;
  if (event.type === "identify") event.traits = given;
  return mutated(fc.constant(event), 8, SERVER_BREAKERS);
});

export const serverBody = weighted<{ kind: string; items: Json[]; raw: string }>(
  [30, fc.record({ kind: fc.constant("array"), items: fc.array(serverEvent, { minLength: 1, maxLength: 12 }), raw: fc.constant("") })],
  [1, fc.record({ kind: fc.constant("many"), items: fc.array(serverEvent, { minLength: 1, maxLength: 3 }), raw: fc.constant("") })],
  [2, fc.record({ kind: pick("object", "not-json", "json-junk", "empty-array"), items: fc.array(serverEvent, { maxLength: 1 }), raw: fc.string({ unit: "binary", maxLength: 60 }) })],
);

export const ISO_TIMES = ["2026-01-01T00:00:00Z", "2026-02-30T10:00:00Z", "1970-01-01T00:00:00.000Z", "0000-01-01T00:00:00Z", "+275760-09-13T00:00:00.000Z",
  "2026-11-20T10:00:00+14:00"];

export const FEEDBACK_BREAKERS = [
  ["stage", "MQL"], ["stage", "won"], ["stage", null], ["reasonCode", "has space"], ["reasonCode", ""], ["reasonCode", "x".repeat(65)],
  ["reason", ""], ["reason", "r".repeat(1001)], ["crmId", "x".repeat(129)], ["at", "yesterday"], ["at", "2026-13-01T00:00:00Z"], ["at", 5],
  ["who", "both"], ["who", "neither"], ["profileJunk", "A".repeat(64)], ["profileJunk", "xyz"], ["email", "not-an-email"], ["extra", 1],
] as const;

export const feedbackItem = mutated(fc.record({
  who: weighted<string>([2, fc.constant("email")], [1, fc.constant("profile")]),
  email: emailVariant,
  profile: fc.nat(),
  profileJunk: rarely(pick("0".repeat(64), "f".repeat(64)), 10),
  stage: pick(...STAGES, "lead", "mql", "sql"),
  reasonCode: maybe(pick("meeting_booked", "no_budget", "spam:1")),
  reason: maybe(shortText.filter((t) => t.trim() !== "")),
  at: rarely(pick(...ISO_TIMES), 4),
  crmId: rarely(pick("crm-1", "0065g00000XyZ"), 3),
}, { requiredKeys: ["who", "email", "profile", "stage"] }), 8, FEEDBACK_BREAKERS);

export function feedbackWire(item: Json, ids: string[]): Json {
  const { who, email: mail, profile, profileJunk, ...rest } = item;
  for (const key of Object.keys(rest)) if (rest[key] === undefined) delete rest[key];
  const id = profileJunk ?? (ids.length && typeof profile === "number" ? ids[profile % ids.length] : "0".repeat(64));
  if (who === "email") return { email: mail, ...rest };
  if (who === "profile") return { profile: id, ...rest };
  if (who === "both") return { email: mail, profile: id, ...rest };
  return rest;
}

// Rules: valid models (so PUT takes them and the traffic after meets them), broken in one place now and then.
export const SAFE_REGEXES = ["\\b(vp|director|head|chief|c[emt]o|founder)\\b", "^(?:cto|ceo)$", "[a+]+", "a{2,5}b*", "(ab)+c", "^.{0,10}$", "é|€|😀", "^\\d+$", "pricing"];
export const BAD_REGEXES = ["[", "(", "\\", "(?<=a", "*a"];
/**
 * Patterns a backtracking engine takes exponential or high-polynomial time on, each with an
 * input sized to cost it some 10^8 steps (seconds), where a linear matcher takes microseconds.
 */
export const CATASTROPHIC: Array<{ regex?: string; glob?: string; input: string }> = [
  { regex: "(a+)+$", input: `${"a".repeat(28)}!` },
  { regex: "(a*)*$", input: `${"a".repeat(28)}!` },
  { regex: "(a|a)*$", input: `${"a".repeat(28)}!` },
  { regex: "(a|aa)+$", input: `${"a".repeat(40)}!` },
  { regex: "(\\w|\\d)+$", input: `${"1".repeat(28)}!` },
  { regex: "^(a|a?)+$", input: `${"a".repeat(28)}!` },
  { regex: "a*a*a*a*a*a*a*a*$", input: `${"a".repeat(44)}!` },
  { regex: "(.*a){12}", input: `${"a".repeat(11)}${"b".repeat(60)}` },
  { regex: "^a{0,256}a{0,256}a{0,256}a{0,256}a{0,256}$", input: `${"a".repeat(125)}!` },
  { glob: "/*a*a*a*a*a*a*b", input: `/${"a".repeat(80)}` },
  { glob: "/**/**/**/**/**/**/x", input: "/a".repeat(38) },
];
export const GLOBS = ["/pricing", "/pricing/**", "/plans/*", "/**", "/*/*", "/docs/**/a", "/", "/ünï/*", "/**/**", "/[a-z]+", "/(x)", "/files/*.pdf", "/*a*b*"];

export const condition = weighted<unknown>(
  [5, fc.record({ regex: pick(...SAFE_REGEXES), flags: maybe(pick("i", "u", "ims")) }, { requiredKeys: ["regex"] })],
  [4, fc.record({ equals: maybe(pick("VP Marketing", "US", 50, true, "true", "1000", "")), in: maybe(fc.array(pick("cto", "ceo", 1, true, 1000), { minLength: 1, maxLength: 3 })),
    gte: maybe(pick(50, -1e308, 1e308, 0.5, 10_000_000, -1e15)), lte: maybe(pick(5000, 1e308, -0, 1e15)), exists: maybe(fc.boolean()) }, { requiredKeys: [] })
    .map((op) => (Object.keys(op).length ? op : { exists: true }))],
  [2, pick("VP Marketing", 51, true, "US")],
);

export const RULE_BREAKERS = [
  ["id", "floor"], ["id", "decay"], ["id", "__proto__"], ["id", "bad id"], ["id", ""], ["on", []], ["on", "click"], ["on", ["pageview", "nope"]],
  ["points", 0], ["points", 1001], ["points", -1e308], ["points", "5"], ["dimension", "fun"], ["per", "week"], ["unique", "nothing"],
  ["cap", 0], ["cap", -1], ["minCount", 0], ["minCount", 1.5], ["match", { bogus: 1 }], ["match", { path: "pricing" }], ["match", { ext: "p.df" }],
  ["match", { ext: [] }], ["match", { name: "" }], ["match", { "traits.title": { regex: "[" } }], ["match", { "traits.title": { regex: "a", flags: "g" } }],
  ["match", { "traits.title": {} }], ["match", { "props.x": { in: [] } }], ["match", { "props.": 1 }], ["extra", true],
  ...BAD_REGEXES.map((regex) => ["match", { "traits.title": { regex } }] as const),
] as const;
export const RULE_IDS = ["r0", "title_icp", "constructor", "toString", "hasOwnProperty", "pricing_visit", "r6", "r7"];

/** A rule (without its id) as a site owner writes one. */
export const rule = fc.record({
  on: weighted<string | string[]>([8, pick(...EVENT_TYPES)], [2, fc.subarray([...EVENT_TYPES], { minLength: 1 })]),
  traitMatch: fc.record({
    "traits.title": maybe(condition), "traits.companySize": maybe(condition), "traits.country": rarely(condition, 4),
    "traits.annualRevenue": rarely(condition, 4), "traits.trial": rarely(condition, 4),
  }, { requiredKeys: [] }),
  eventMatch: fc.record({
    path: maybe(weighted<string | string[]>([3, pick(...GLOBS)], [1, fc.array(pick(...GLOBS), { minLength: 1, maxLength: 3 })])),
    ext: rarely(pick("pdf", ["pdf", "PDF", "epub"]), 3),
    name: rarely(pick("demo_request", ["email_open", "signup"]), 2),
    "props.href": rarely(condition, 4),
    "props.title": rarely(condition, 4),
    url: rarely(condition, 6),
    sid: rarely(condition, 8),
  }, { requiredKeys: [] }),
  points: weighted<number>([8, fc.integer({ min: -30, max: 40 }).filter((n) => n !== 0)], [1, pick(1000, -1000, 0.1, 2.5)]),
  dimension: maybe(pick("fit", "engagement")),
  per: maybe(pick("ever", "day", "session")),
  unique: rarely(pick("props.href", "props.webinar", "url", "sid", "traits.email", "name", "type"), 3),
  cap: rarely(pick(15, 30, 0.5, 1e308), 3),
  minCount: rarely(pick(1, 2, 5), 4),
}).map(({ on, traitMatch, eventMatch, ...r }) => {
  const onIdentify = Array.isArray(on) ? on.includes("identify") : on === "identify";
  // An identify rule matches traits.* only.
  const match: Json = onIdentify ? traitMatch : { ...traitMatch, ...eventMatch };
  for (const key of Object.keys(match)) if (match[key] === undefined) delete match[key];
  const out: Json = { on, ...(Object.keys(match).length && { match }), ...r };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
});

export const MODEL_BREAKERS = [
  ["thresholds", { total: -1, fit: 0, engagement: 0 }], ["thresholds", { total: 1, fit: 1 }], ["thresholds", { total: "50", fit: 1, engagement: 1 }],
  ["countries", { us: { total: 1 } }], ["countries", { GBR: {} }], ["countries", { US: { total: -1 } }], ["countries", { US: { nope: 1 } }],
  ["decay", { afterDays: 0, points: -10, everyDays: 30 }], ["decay", { afterDays: 30, points: 5, everyDays: 30 }], ["decay", { afterDays: 1.5, points: -1, everyDays: 3651 }],
  ["rules", "none"], ["rules", Array.from({ length: 201 }, (_, i) => ({ id: `r${i}`, on: "pageview", points: 1 }))],
  ["rules", [{ id: "dup", on: "track", points: 1 }, { id: "dup", on: "track", points: 2 }]],
  ["rules", [{ id: "i", on: "identify", points: 1, match: { "props.title": "x" } }]], ["extra", 1],
] as const;

export const model = mutated(fc.record({
  thresholds: fc.record({ total: fc.integer({ min: 0, max: 80 }), fit: fc.integer({ min: 0, max: 30 }), engagement: weighted<number>([6, fc.integer({ min: 0, max: 40 })], [1, pick(1e308, 0.5)]) }),
  countries: maybe(fc.dictionary(pick("US", "NG", "GB", "DE"), fc.record({ total: pick(10, 0, 1e308), fit: pick(0, 5) }, { requiredKeys: [] }), { maxKeys: 2 })),
  decay: maybe(fc.record({ afterDays: pick(1, 30, 3650), points: pick(-10, 0, -1000, -0.5), everyDays: pick(1, 30, 3650) })),
  rules: fc.array(rule, { maxLength: 6 }).map((rules) => rules.map((r, i) => ({ id: RULE_IDS[i % RULE_IDS.length]! + (i >= RULE_IDS.length ? i : ""), ...r }))),
}, { requiredKeys: ["thresholds", "rules"] }).chain((m) =>
  // Now and then one rule broken in one place.
  fc.tuple(rarely(fc.nat(), 5), fc.nat({ max: RULE_BREAKERS.length - 1 })).map(([i, b]) => {
    if (i === undefined || !m.rules.length) return m;
    const [key, wrong] = RULE_BREAKERS[b]!;
    return { ...m, rules: m.rules.map((r, k) => (k === i % m.rules.length ? { ...r, [key]: wrong } : r)) };
  })).map((m) => {
  for (const key of Object.keys(m)) if ((m as Json)[key] === undefined) delete (m as Json)[key];
  return m;
}), 10, MODEL_BREAKERS);

export const SITE_BREAKERS = [
  ["name", ""], ["name", "n".repeat(129)], ["name", 5], ["origins", []], ["origins", [`${ORIGIN}/path`]], ["origins", ["null"]], ["origins", ["https://*.acme.test"]],
  ["origins", ["ftp://x"]], ["origins", Array(51).fill(ORIGIN)], ["webhook", { url: "https://edge.test/loop", secret: HOOK_SECRET }],
  ["webhook", { url: "http://example.com/x", secret: HOOK_SECRET }], ["webhook", { url: "nope", secret: HOOK_SECRET }], ["webhook", { url: "https://hooks.test/x", secret: "short" }],
  ["webhook", { url: "https://hooks.test/x", secret: HOOK_SECRET, stages: [] }], ["webhook", { url: "https://hooks.test/x", secret: HOOK_SECRET, stages: ["won"] }],
  ["identifySecret", "short"], ["identifySecret", { set: false }], ["requireVerified", "true"], ["publicStages", []], ["publicStages", ["won"]],
  ["exclude", { domains: [] }], ["exclude", { ips: ["x".repeat(46)] }], ["exclude", { emailDomains: Array(1001).fill("a.test") }],
  ["allowBots", 1], ["retentionDays", 0], ["retentionDays", 3651], ["retentionDays", 1.5], ["retentionDays", "30"], ["unknownField", 1],
  ["rules", { thresholds: { total: 1, fit: 1, engagement: 1 }, rules: [{ id: "d", on: "pageview", points: 1, match: { "props.x": { equals: `${RAW}${"[".repeat(12000)}${"]".repeat(12000)}` } } }] }],
] as const;

export const siteConfig = (hook: string) => mutated(fc.record({
  name: pick("Acme", "Ünïcödé 😀", "n".repeat(128)),
  origins: pick([ORIGIN, OTHER_ORIGIN], [ORIGIN], [ORIGIN, "http://localhost:8787", "https://[::1]:8443"]),
  rules: usually(model, 5),
  webhook: rarely(fc.record({ url: fc.constant(hook), secret: pick(HOOK_SECRET, { set: true }), stages: maybe(pick(["mql"], ["sql", "customer"])) }, { requiredKeys: ["url", "secret"] }), 4),
  identifySecret: maybe(pick(IDENTIFY_SECRET, { set: true })),
  requireVerified: maybe(fc.boolean()),
  publicStages: maybe(pick(["visitor", "lead", "mql"], ["mql"], ["visitor", "lead", "mql", "sql", "customer", "disqualified"], ["visitor"])),
  exclude: maybe(pick({ emailDomains: ["staff.test"], ips: [STAFF_IP] }, { emailDomains: ["STAFF.TEST"] }, {})),
  allowBots: maybe(fc.boolean()),
  retentionDays: maybe(pick(1, 30, 3650)),
  id: rarely(pick("ignored-read-only"), 4),
  rulesVersion: rarely(pick(99), 4),
}, { requiredKeys: ["name", "origins"] }).map((config) => {
  for (const key of Object.keys(config)) if ((config as Json)[key] === undefined) delete (config as Json)[key];
  return config;
}), 3, SITE_BREAKERS);

export const timeParam = weighted<string>(
  [4, fc.integer({ min: -40 * 86_400_000, max: 86_400_000 }).map((d) => String(Date.now() + d))],
  [3, fc.integer({ min: -40 * 86_400_000, max: 86_400_000 }).map((d) => new Date(Date.now() + d).toISOString())],
  [2, pick("", "0", "-1", "abc", "1e400", "9".repeat(30), "8640000000000000", "8640000000000001", "10000000000000000", "2026-13-45", "Infinity", "NaN",
    "2026-02-30", "+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "1.5", " 1", "%zz")],
  [1, fc.string({ unit: "binary", maxLength: 12 })],
);

export const query = fc.record({
  route: weighted<string>([1, fc.constant("metrics")], [2, fc.constant("mqls")]),
  since: maybe(timeParam),
  until: maybe(timeParam),
  cursor: maybe(weighted<string>([3, fc.constant("@last")], [1, fc.string({ unit: "binary", maxLength: 40 })], [1, pick("x".repeat(1025), "eyJ9", "null", "", "=")])),
  limit: maybe(pick("1", "2", "200", "201", "0", "-1", "1.5", "abc", "", "00003", "1e2")),
  format: usually(pick("json", "ndjson", "csv", "csv", "JSON", "xml", ""), 3),
  placeholder: rarely(pick("[unknown]", "=cmd|' /C calc'!A0", "p".repeat(65), ""), 4),
  extra: rarely(pick("&limit=5&limit=7", "&since=1&since=2", "&%zz=1", "&a=%00"), 6),
}, { requiredKeys: ["route"] });

/** A query string with every value percent-encoded as a client would send it. */
export function queryString(q: Json, cursor: string | null): string {
  const params: string[] = [];
  for (const key of ["since", "until", "cursor", "limit", "format", "placeholder"]) {
    let value = q[key];
    if (value === undefined) continue;
    if (key === "cursor" && value === "@last") {
      if (cursor === null) continue;
      value = cursor;
    }
    params.push(`${key}=${encodeURIComponent(String(value).replace(/[\uD800-\uDFFF]/g, "?"))}`);
  }
  return `?${params.join("&")}${q.extra ?? ""}`;
}

// --- the sites each property fuzzes ---------------------------------------------

/** Leads and browsers to act on: every email of the pool a lead, MQLs among them, a few browsers. */
export async function seedPeople(site: string, touched: Touched): Promise<void> {
  const now = Date.now();
  const items = EMAILS.flatMap((mail, i) => [
    { id: `seed-i${i}`, email: mail, type: "identify", ts: now, traits: { title: i % 2 ? "Intern" : "VP Marketing", companySize: "51-200" } },
    { id: `seed-d${i}`, email: mail, type: "track", name: "demo_request", ts: now },
    { id: `seed-p${i}`, email: mail, type: "pageview", url: `${ORIGIN}/pricing`, ts: now },
  ]);
  const res = await call(`/v1/sites/${site}/events`, { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify(items) });
  if (res.status !== 200) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
  for (const [i, vid] of VIDS.slice(0, 6).entries()) {
    const answer = await call("/v1/collect", {
      method: "POST",
      headers: { "Content-Type": "text/plain", Origin: ORIGIN, "User-Agent": BROWSER_UA },
      body: JSON.stringify({ site, vid, events: [{ id: `seed-v${i}`, type: "pageview", ts: now, url: `${ORIGIN}/pricing` },
        ...(i % 2 ? [{ id: `seed-f${i}`, type: "identify", ts: now, url: `${ORIGIN}/contact`, traits: { email: EMAILS[i % EMAILS.length] } }] : [])] }),
    });
    touched.profiles.add((await answer.json<{ profile: string }>()).profile);
  }
}

export const touchedOf = (site: string): Touched => ({ site, profiles: new Set() });
export const webhook = () => ({ url: `${inject("receiver")}/hook/fuzz`, secret: HOOK_SECRET });

// --- the properties ---------------------------------------------------------------

export const TIMEOUT = 900_000;

/**
 * The collect property, the largest, runs in COLLECT_PARTS files of its own
 * (test/worker/fuzz-collect-*.test.ts): a workerd instance under vitest-pool-workers
 * serves each request slower than the one before (cloudflare/workers-sdk#15446, which
 * reaches worker-to-object calls too), and a fresh file is a fresh instance.
 */
export const COLLECT_PARTS = 3;
export const collectShare = () => Math.round(runsOf("collect") / COLLECT_PARTS);

export async function fuzzCollect(part: number): Promise<void> {
    const configs: Array<{ extra: Json; publicStages: string[] }> = [
      { extra: {}, publicStages: ["visitor", "lead", "mql"] },
      { extra: { identifySecret: IDENTIFY_SECRET, requireVerified: true }, publicStages: ["visitor", "lead", "mql"] },
      {
        extra: {
          origins: [ORIGIN, OTHER_ORIGIN], identifySecret: IDENTIFY_SECRET, allowBots: true,
          exclude: { emailDomains: ["staff.test"], ips: [STAFF_IP] }, publicStages: ["visitor", "lead", "mql", "sql", "customer"],
        },
        publicStages: ["visitor", "lead", "mql", "sql", "customer"],
      },
    ];
    const generations: CollectSite[][] = [];
    const sites = renewing(async () => {
      const fresh: CollectSite[] = [];
      for (const { extra, publicStages } of configs) {
        const id = await createSite(extra);
        fresh.push({ id, publicStages, touched: touchedOf(id) });
      }
      generations.push(fresh);
      return fresh;
    });
    await fuzz("collect", 1 + 10 * part, collectPlan(configs.length), async (plan) => runCollect(plan, (await sites())[plan.site]!), { runs: collectShare() });
    // Every lead, and a few visitors of each site: late in a file each request is slow (#15446).
    expect(await checkTouched(generations.flat().map((s) => s.touched), 8)).toBeGreaterThan(0);
}
