/** Page views of back/forward-cache restores (docs/sdk.md#what-it-captures): `pageshow` with `persisted`. */
import type { Add, Listen } from "./types.js";
import { clean } from "../url.js";

export const restored = (add: Add, listen: Listen): void =>
  listen("pageshow", (e: PageTransitionEvent) => {
    if (e.persisted) add("pageview", { props: { title: document.title, ref: clean(document.referrer)?.origin } });
  });
