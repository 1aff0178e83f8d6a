/**
 * End-to-end tests against the production build (`next build` first, see
 * scripts/test.ts), served by the run command in `start` mode on a fresh data
 * folder: embedded PostgreSQL, the local XMTP node, the worker and the web app.
 * One host name everywhere (localhost), because Auth.js redirects to PUBLIC_URL.
 */
import { defineConfig } from "@playwright/test";
import { E2E } from "./e2e/env";

export default defineConfig({
  testDir: "e2e",
  // e2e/dev/ checks the development server's console: playwright.dev.config.ts.
  testIgnore: ["dev/**"],
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A whole spec's bound. The e2e tier runs beside the vitest tiers on the same cores, and its first specs
  // (the admin pages) took 32 s here and over 60 s on CI; every single wait keeps its own 10 s bound below.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL: E2E.baseUrl,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: `rm -rf ${E2E.dataDir} && tsx scripts/run.ts start`,
    url: `${E2E.baseUrl}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    // SIGTERM lets the run command stop its parts in order; the default SIGKILL would orphan them.
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    stdout: "ignore",
    stderr: "pipe",
    env: E2E.serverEnv,
  },
});
