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
import { E } from "./core/api.js";
import { start } from "./core/start.js";
import type { Edgescore, Options, StageInfo } from "./types.js";

export type { Capture, Edgescore, IdentityProof, Options, Stage, StageInfo, Traits } from "./types.js";

let started = false;

/** Starts the script once (later calls change nothing) and answers its API. `api` defaults to the page's origin. */
export function init(options: Options): Edgescore {
  if (!started) {
    started = true;
    // The classic script's chunks by name, as split chunks of this build.
    start(options, location.href, (file) =>
      (file == "es-vitals.js" ? import("./lazy/vitals.js").then((m) => m.vitals((E as any)._a)) : import("./lazy/extras.js").then((m) => m.extras(E as any))).catch(() => {}),
    );
  }
  return E;
}

/** The last known stage, or null (`edgescore.stage`). */
export const getStage = (): StageInfo | null => E.stage;

export const { track, identify, consent, onStage, flush, reset } = E;

export { E as edgescore };
export default E;
