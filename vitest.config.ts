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
    globalSetup: ["test/setup/database.ts", "test/setup/xmtp-node.ts"],
    // Joins and handoffs share two cores with another test file (some start three worker processes).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
