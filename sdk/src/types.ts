/**
 * The public types of the browser script (docs/sdk.md#options, docs/sdk.md#api). Self-contained, so that the
 * published `.d.ts` needs nothing else; core/start.ts checks them against shared/events.ts.
 */

/** A funnel stage, as the collect API shows it to the browser. */
export type Stage = "visitor" | "lead" | "mql" | "sql" | "opportunity" | "customer" | "disqualified";

/** The last known stage of this visitor: `edgescore.stage`, the `edgescore:stage` event's `detail`, onStage's argument. */
export interface StageInfo {
  stage: Stage;
  /** Shown only to a visitor whose identity is verified; otherwise this visitor's own. */
  score: { fit: number; engagement: number; total: number };
  mql: boolean;
}

/** A trait's value: a text, a finite number (at most 1e15 either side of 0) or a boolean; `null` removes the trait. */
export type TraitValue = string | number | boolean | null;

/**
 * Who the visitor is. Besides the named traits, the site's own keys (a letter, then letters,
 * digits or `_`, 64 at most; 50 at most a call), which rules match as `traits.<key>`. An
 * identify with a bad key or value is listed in `rejected`.
 */
export interface Traits {
  /** Never removed: it makes the visitor a lead. */
  email?: string;
  name?: TraitValue;
  firstName?: TraitValue;
  lastName?: TraitValue;
  company?: TraitValue;
  title?: TraitValue;
  /** A head count (`1000`) or a range (`"201-500"`). */
  companySize?: TraitValue;
  industry?: TraitValue;
  /** ISO 3166 alpha-2 code. */
  country?: string | null;
  phone?: TraitValue;
  [key: string]: TraitValue | undefined;
}

/** Proof of a verified identity: `signature` = hex HMAC-SHA256(identifySecret, site + "|" + email + "|" + expires). */
export interface IdentityProof {
  signature?: string;
  /** Unix seconds. */
  expires?: number;
}

/**
 * The automatic captures (`data-auto`). Page views start with the core script; the others
 * with its lazily loaded chunks, after the page's load (what happens before is held for
 * them); Web Vitals only on the page loads `vitals` samples.
 */
export type Capture = "pageview" | "forms" | "downloads" | "engagement" | "vitals";

/** The script tag's attributes, as `init()` options (docs/sdk.md#options). */
export interface Options {
  /** Site id (`data-site`). Required. */
  site: string;
  /** Origin of the collect API (`data-api`). Default: the script's own origin (ES module: the page's). */
  api?: string;
  /** `"required"`: send and store nothing until `consent(true)` (`data-consent`). */
  consent?: "required";
  /** Automatic captures, a comma list or array (`data-auto`). Default: all. */
  auto?: string | Capture[];
  /** File extensions counted as downloads, a comma list or array (`data-downloads`). Default: pdf, zip, docx, xlsx, pptx, csv, … */
  downloads?: string | string[];
  /** Also keep the visitor id in a first-party cookie on this domain (`data-cookie-domain`). */
  cookieDomain?: string;
  /** `"ignore"`: do not treat Global Privacy Control as consent refused (`data-gpc`). */
  gpc?: "ignore";
  /**
   * The share of page loads that capture Web Vitals, 0 to 1 (`data-vitals`): 1 every one, 0
   * none. Default (and for anything else): 0.1. A page load outside the sample never loads web-vitals.
   */
  vitals?: number | string;
}

/**
 * `window.edgescore` (docs/sdk.md#api). Also callable snippet-style: `edgescore("track", "demo_request")`.
 * No method ever throws into the page. (Its `_`-prefixed properties are internal: the lazy chunk's.)
 */
export interface Edgescore {
  (method: string, ...args: unknown[]): unknown;
  /** A custom event, `name` 1–128 characters; `props` the caller's own (at most 4096 characters of JSON). */
  track(name: string, props?: Record<string, unknown>): void;
  /**
   * Tells who the visitor is; a `signature` and `expires` make the identity verified. The traits
   * are sent as given, numbers and booleans as such: the worker refuses an identify with a bad
   * key or value (see Traits).
   */
  identify(traits: Traits, proof?: IdentityProof): void;
  /** Grants or refuses consent, remembered across pages; refusing also forgets the visitor id, the queue and the cached stage. */
  consent(granted: boolean): void;
  /** Calls `callback` with the current stage at once if known, then after every answer of the server. */
  onStage(callback: (stage: StageInfo) => void): void;
  /** The last known stage, or null. */
  readonly stage: StageInfo | null;
  /** Sends the queue now; resolves when it is delivered or persisted. */
  flush(): Promise<void>;
  /** Forgets the visitor: a new visitor id, an empty queue, no cached stage. */
  reset(): void;
}
