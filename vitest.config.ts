import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests run server modules directly; the marker only guards against client bundles, which Next.js builds.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: [
      "test/**/*.test.ts",
      "lib/**/*.test.ts",
      "workers/**/*.test.ts",
      "scripts/**/*.test.ts",
      "app/**/*.test.ts",
    ],
    exclude: ["node_modules/**", ".next/**", ".data/**", "e2e/**"],
    // next-auth imports "next/server" without an extension, which Node's ESM resolver refuses; Vite resolves it.
    server: { deps: { inline: ["next-auth"] } },
    globalSetup: ["test/setup/database.ts", "test/setup/xmtp-node.ts"],
    // Some files start three worker processes; a test join may wait 60 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One file at a time: on a 2-core machine two files of real XMTP clients and worker processes side by
    // side starved each other's joins and handoffs into timeouts.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
