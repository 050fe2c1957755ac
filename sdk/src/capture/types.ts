/** What the lazy chunk (lazy.ts) hands each capture it starts: types only, so the captures need not import the chunk. */
import type { Internals } from "../core.js";

/** The core's add(type, fields): queues an event. */
export type Add = Internals["_a"];

/** Listens to a HELD event type on window (capture phase, like the core), after handling those held. */
export type Listen = <E extends Event>(type: string, f: (e: E) => unknown) => void;
