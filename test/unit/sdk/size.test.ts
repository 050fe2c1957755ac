/** The core script's budget (the issue): at most 2048 bytes gzip -9; aim 1536. */
import { describe, expect, it } from "vitest";

interface Built {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

// A plain ESM script: imported by a path the type checker does not follow.
const script: string = "../../../scripts/build-sdk.mjs";

describe("browser script size", () => {
  it("keeps the core script (es.js) within 2048 bytes gzip -9", { timeout: 60_000 }, async () => {
    const { mkdtempSync, rmSync } = await import("node:fs" as string);
    const { tmpdir } = await import("node:os" as string);
    const { join } = await import("node:path" as string);
    // Built apart from dist/, which a running worker may be serving.
    const out: string = mkdtempSync(join(tmpdir(), "edgescore-size-"));
    try {
      const { buildSdk } = (await import(script)) as { buildSdk(o: object): Promise<Built[]> };
      const built = await buildSdk({ types: false, quiet: true, out });
      const core = built.find((b) => b.file.endsWith("public/es.js"))!;
      const lazy = built.find((b) => b.file.endsWith("public/es-captures.js"))!;
      console.log(`es.js ${core.raw} B raw, ${core.gzip} B gzip -9, ${core.brotli} B brotli; es-captures.js ${lazy.raw} / ${lazy.gzip} / ${lazy.brotli}`);
      expect(core.gzip).toBeLessThanOrEqual(2048);
      expect(lazy.gzip).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
