/** es-captures.js: the classic script's lazy chunk (lazy/extras.ts), which es.js imports from its own directory after the page's load. */
import { extras } from "./lazy/extras.js";

try {
  extras((window as any).edgescore);
} catch {}
