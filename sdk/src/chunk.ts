/** es-vitals.js: the classic script's lazy chunk (lazy.ts), which es.js imports from its own directory. */
import { extras } from "./lazy.js";

try {
  extras((window as any).edgescore);
} catch {}
