/**
 * The e2e deployment's settings, shared by playwright.config.ts (to start the
 * server) and the specs (to reach its database and mailbox).
 */
import { readEmbeddedPassword } from "@/scripts/embedded-password.ts";

const port = Number(process.env.E2E_PORT ?? 3100);
const pgPort = Number(process.env.E2E_PG_PORT ?? 54339);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2526);
// Not 5556: npm test runs these specs beside the xmtp test tier, whose node holds that port.
const xmtpNodePort = Number(process.env.E2E_XMTP_NODE_PORT ?? 5557);
// The clients specs build themselves (a member joining, e2e/pool.ts) go to the stack's node too: every
// process that loads this module (Playwright's runner and workers) looks for `local` there.
process.env.XMTP_NODE_PORT = String(xmtpNodePort);

export const E2E = {
  baseUrl: `http://localhost:${port}`,
  dataDir: ".data/e2e",
  smtpPort,
  adminEmail: "admin@e2e.test",
  /** Listed as an admin, but e2e/security.spec.ts gives it a session before its address is verified. */
  unverifiedAdminEmail: "unverified-admin@e2e.test",
  /** The embedded database the server starts (its random password is read once it exists); specs use it for fixtures. */
  get databaseUrl(): string {
    const password = readEmbeddedPassword(".data/e2e/postgres");
    if (!password) throw new Error("the e2e server's embedded PostgreSQL has not started yet");
    return `postgresql://postgres:${password}@127.0.0.1:${pgPort}/convos`;
  },
  serverEnv: {
    NODE_ENV: "production",
    PORT: String(port),
    PUBLIC_URL: `http://localhost:${port}`,
    DATA_DIR: ".data/e2e",
    DATABASE_URL: "",
    // A throwaway deployment on one machine: the embedded database and the local XMTP node, on purpose.
    ALLOW_EMBEDDED_DATABASE: "1",
    ALLOW_LOCAL_XMTP: "1",
    XMTP_NODE_PORT: String(xmtpNodePort),
    // e2e/restart.spec.ts must see the health check say "restarting" between a kill and the restart; a
    // health request under the full suite's load can take longer than the 1 s default wait.
    SUPERVISOR_RESTART_DELAY_MS: "3000",
    // Every spec signs in from this machine; e2e/security.spec.ts reaches the limit and clears it again.
    SIGNIN_MAILS_PER_HOUR_PER_CLIENT: "40",
    EMBEDDED_PG_PORT: String(pgPort),
    AUTH_SECRET: "e2e-only-auth-secret-not-for-production",
    MASTER_KEY: "e2e-only-master-key-not-for-production",
    // Set on purpose: the production server must refuse it (e2e/auth.spec.ts).
    ENABLE_DEV_SIGNIN: "1",
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    EMAIL_FROM: "Convos Agents <agents@e2e.test>",
    ADMIN_EMAILS: "admin@e2e.test,unverified-admin@e2e.test",
    POOL_API_KEY: "e2e-pool-api-key-not-for-production",
    // Agents here are nobody's to verify: no signing key, on purpose.
    ATTESTATION: "off",
    NEXT_TELEMETRY_DISABLED: "1",
  } as Record<string, string>,
};
