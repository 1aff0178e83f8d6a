/**
 * Two tiers of tests (docs/testing.md), chosen by what a test file imports (test/tiers.ts):
 *
 * - `unit`: pure tests and tests on their own database cloned from the template; files in parallel.
 * - `xmtp`: files that reach the local XMTP node or run a worker; two files at a time, after `unit`.
 *
 * `vitest run --project unit` runs the first alone (npm run test:fast: without the files that start
 * processes of their own), `--project xmtp` the second; `vitest run` runs both.
 */
import { defineConfig } from "vitest/config";
import path from "node:path";

import { spawningTestFiles, TEST_DIRS, xmtpTestFiles } from "./test/tiers.ts";

const ALL = TEST_DIRS.map((dir) => `${dir}/**/*.test.ts`);
const EXCLUDE = ["node_modules/**", ".next/**", ".data/**", "e2e/**"];
const XMTP_TIER = xmtpTestFiles();
// How many xmtp-tier files run at once, on the one shared node (XMTP_TIER_WORKERS, default 2).
const XMTP_TIER_WORKERS = Number(process.env.XMTP_TIER_WORKERS ?? 2);
// npm run test:fast: the unit tier without the files that start processes of their own (test/tiers.ts).
const FAST_SKIPS = process.env.TEST_FAST === "1" ? spawningTestFiles() : [];

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests run server modules directly; the marker only guards against client bundles, which Next.js builds.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    // next-auth imports "next/server" without an extension, which Node's ESM resolver refuses; Vite resolves it.
    server: { deps: { inline: ["next-auth"] } },
    // Some files start three worker processes; a test join may wait 60 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ALL,
          exclude: [...EXCLUDE, ...XMTP_TIER, ...FAST_SKIPS],
          globalSetup: ["test/setup/database.ts"],
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: "xmtp",
          include: XMTP_TIER,
          exclude: EXCLUDE,
          globalSetup: ["test/setup/database.ts", "test/setup/xmtp-node.ts", "test/setup/warm-identities.ts"],
          fileParallelism: XMTP_TIER_WORKERS > 1,
          maxWorkers: XMTP_TIER_WORKERS,
          // After the unit tier when both run in one `vitest run`.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
