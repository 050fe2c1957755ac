import type { Edgescore } from "../types.js";
import { safe } from "./util.js";

/**
 * The public object (`window.edgescore` of the classic script, the ES module's API).
 * Callable snippet-style: `edgescore("track", "demo_request")`; start.ts attaches the methods.
 */
export const E = safe((method: string, ...args: unknown[]) => (E as any)[method](...args)) as Edgescore;
