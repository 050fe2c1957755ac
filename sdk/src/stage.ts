/** Personalisation (docs/sdk.md#personalisation): the stage on <html>, an `edgescore:stage` event and onStage callbacks. */
import { E } from "./api.js";
import type { StageInfo } from "./types.js";
import { on } from "./util.js";

/**
 * Shows stage `s` (null: none): `edgescore.stage`, `data-es-stage` on <html>, then, for a
 * stage, `new CustomEvent("edgescore:stage", { detail })` on window, which also calls the
 * onStage callbacks.
 */
export const show = (s: StageInfo | null): void => {
  const data = document.documentElement.dataset;
  (E as { stage: StageInfo | null }).stage = s;
  if (s) {
    data.esStage = s.stage;
    dispatchEvent(new CustomEvent("edgescore:stage", { detail: s }));
  } else delete data.esStage;
};

/** Calls `f` with the current stage at once if known, then with every one shown (a throwing `f` stops nothing). */
export const onStage = (f: (s: StageInfo) => void): void => {
  on(window, "edgescore:stage", (e: CustomEvent) => f(e.detail));
  if (E.stage) f(E.stage);
};
