/** Page views of back/forward-cache restores (CONTRACT §3): `pageshow` with `persisted`. */
import type { Add, Listen } from "./extras.js";
import { clean } from "../core/url.js";

export const restored = (add: Add, listen: Listen): void =>
  listen("pageshow", (e: PageTransitionEvent) => {
    if (e.persisted) add("pageview", { props: { title: document.title, ref: clean(document.referrer)?.origin } });
  });
