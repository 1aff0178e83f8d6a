/**
 * Configuration, validated once from process.env. Every setting has a safe
 * local default, except the secrets, which production refuses to run without.
 * The README's configuration table lists the same variables.
 */
import { z } from "zod";

const optional = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optional,
  XMTP_ENV: z.enum(["local", "dev", "production"]).default("local"),
  DATA_DIR: z.string().default(".data"),
  PUBLIC_URL: z.string().url().default("http://localhost:3000"),
  AUTH_SECRET: optional,
  MASTER_KEY: optional,
  ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  ENABLE_DEV_SIGNIN: z
    .string()
    .optional()
    .transform((v) => v === "1" || v === "true"),
  SMTP_URL: optional,
  EMAIL_FROM: z.string().default("Convos Agents <agents@localhost>"),
  AUTH_GITHUB_ID: optional,
  AUTH_GITHUB_SECRET: optional,
  AUTH_GOOGLE_ID: optional,
  AUTH_GOOGLE_SECRET: optional,
  POOL_API_KEY: optional,
  METRICS_TOKEN: optional,
  LLM_BASE_URL: z.string().url().default("https://openrouter.ai/api/v1"),
  LLM_API_KEY: optional,
  LLM_MODEL: z.string().default("openai/gpt-4o-mini"),
  /** Default per-agent spending cap in tokens, for agents without their own tokenCap; "unlimited" turns it off. */
  LLM_TOKEN_CAP_PER_AGENT: z
    .string()
    .default("200000")
    .transform((v, ctx) => {
      const value = v.trim().toLowerCase();
      if (value === "unlimited") return undefined;
      const n = Number(value === "" ? "200000" : value);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: 'a positive whole number of tokens, or "unlimited"' });
        return z.NEVER;
      }
      return n;
    }),
  /** The most tokens one model answer may produce (max_tokens on every call). */
  LLM_MAX_TOKENS: z.coerce.number().int().min(16).max(32_000).default(1_024),
  /** Extra conversations (/invite and /join) one agent may open, besides its first. */
  AGENT_EXTRA_CONVERSATIONS_MAX: z.coerce.number().int().min(0).max(100).default(5),
  /** Per sender and conversation: messages answered in a burst, then one more every SENDER_REFILL_MS. */
  AGENT_SENDER_BURST: z.coerce.number().int().min(1).max(1_000).default(20),
  AGENT_SENDER_REFILL_MS: z.coerce.number().int().min(100).max(3_600_000).default(2_000),
  /** Messages waiting to be answered per conversation; beyond it new ones are dropped (with one notice). */
  AGENT_QUEUE_MAX: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Age after which the worker deletes handled-message ledger rows, events, pending pairings and sign-in tokens. */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  /** PostgreSQL: time to open a connection, and the longest a statement may run. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  readonly code = "config_error";
}

/** What production refuses to run without. */
const PRODUCTION_REQUIRED = ["AUTH_SECRET", "MASTER_KEY", "DATABASE_URL"] as const;

/** Which of PRODUCTION_REQUIRED an environment lacks (blank counts as missing, as in the schema). */
export function missingInProduction(env: Record<string, string | undefined>): string[] {
  return PRODUCTION_REQUIRED.filter((name) => !env[name]?.trim());
}

/** Parses an environment; in production, refuses to go on without the secrets. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`Invalid configuration: ${issues}`);
  }
  const config = result.data;
  // `next build` runs with NODE_ENV=production but serves nothing: secrets are checked when the server starts.
  const building = env.NEXT_PHASE === "phase-production-build";
  if (config.NODE_ENV === "production" && !building) {
    const missing = missingInProduction(env);
    if (missing.length > 0) {
      throw new ConfigError(`Production needs ${missing.join(", ")}; refusing to start without them.`);
    }
  }
  return config;
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
