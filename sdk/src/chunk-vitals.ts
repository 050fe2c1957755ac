/** es-vitals.js: the classic script's Web Vitals chunk (lazy/vitals.ts), which es.js imports from its own directory on sampled page loads only. */
import { vitals } from "./lazy/vitals.js";

try {
  vitals((window as any).edgescore._a);
} catch {}
