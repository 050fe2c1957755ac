import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Kinds of test, one runner: pure logic in Node; the worker inside workerd with
// real Durable Objects and KV, configured from wrangler.toml; the browser script
// in Chromium, Firefox and WebKit against the real worker (test/browser/global-setup.ts,
// docs/browsers.md).
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { ADMIN_TOKEN: "test-admin-token", IDENTITY_SECRET: "test-identity-secret", RATE_LIMIT_EXEMPT: "192.0.2.1, 192.0.2.2", LOCAL_WEBHOOKS: "allow" },
              // Limits small enough for a test to reach quickly (production's are in wrangler.toml).
              ratelimits: {
                VISITOR_RATE_LIMIT: { simple: { limit: 40, period: 60 } },
                ADDRESS_RATE_LIMIT: { simple: { limit: 60, period: 60 } },
                AUTH_RATE_LIMIT: { simple: { limit: 10, period: 60 } },
              },
            },
          }),
        ],
        test: { name: "worker", include: ["test/worker/**/*.test.ts"], globalSetup: ["test/worker/receiver.ts"] },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/browser/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Two cores: one browser at a time keeps timings honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
