/**
 * The ES module build (docs/sdk.md#install), for single-page apps:
 *
 *   import { init, track } from "edgescore";
 *   init({ site: "acme", api: "https://EDGE_HOST" });
 *   track("demo_request");
 *
 * `init()` takes the script tag's attributes as options, then the same API as
 * `window.edgescore`. Calls made before `init()` wait in memory: nothing is sent before it.
 */
import { E } from "./api.js";
import { start } from "./core.js";
import type { Edgescore, Options, StageInfo } from "./types.js";

export type { Capture, Edgescore, IdentityProof, Options, Stage, StageInfo, Traits } from "./types.js";

let started = false;

/** Starts the script once (later calls change nothing) and answers its API. `api` defaults to the page's origin. */
export function init(options: Options): Edgescore {
  if (!started) {
    started = true;
    start(options, location.href, () => import("./lazy.js").then((m) => m.extras(E as any), () => {}));
  }
  return E;
}

/** The last known stage, or null (`edgescore.stage`). */
export const getStage = (): StageInfo | null => E.stage;

export const { track, identify, consent, onStage, flush, reset } = E;

export { E as edgescore };
export default E;
