/**
 * The console check against the development server (`npx playwright test -c playwright.dev.config.ts`):
 * e2e/dev/ runs on `tsx scripts/run.ts dev` with a fresh data folder, because React reports a
 * hydration mismatch only in development. Its stack has its own XMTP node port, but it shares Next's
 * .next/dev with `npm run dev`, so stop that first.
 */
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

const port = Number(process.env.E2E_DEV_PORT ?? 3200);
const baseUrl = `http://localhost:${port}`;
const dataDir = ".data/e2e-dev";

export default defineConfig({
  ...base,
  testDir: "e2e/dev",
  testIgnore: [],
  // The first visit to a page compiles it.
  timeout: 120_000,
  use: { ...base.use, baseURL: baseUrl },
  webServer: {
    command: `rm -rf ${dataDir} && tsx scripts/run.ts dev`,
    url: `${baseUrl}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(Number(process.env.E2E_DEV_PG_PORT ?? 54340)),
      XMTP_NODE_PORT: String(Number(process.env.E2E_DEV_XMTP_NODE_PORT ?? 5558)),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
