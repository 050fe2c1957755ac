/** es-captures.js: the classic script's lazy chunk (lazy/extras.ts), which es.js imports from its own directory. */
import { extras } from "./lazy/extras.js";

try {
  extras((window as any).edgescore);
} catch {}
