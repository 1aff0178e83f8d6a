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
  /** Default per-agent spending cap in tokens, for agents without their own tokenCap; unset = unlimited. */
  LLM_TOKEN_CAP_PER_AGENT: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** A reminder or schedule run found more than this late (no worker ran the agent meanwhile) is skipped, not sent. */
  SCHEDULE_GRACE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  /** The web_search tool's provider; unset = no web search (the tool is not offered). */
  SEARCH_PROVIDER: z
    .enum(["brave", "tavily", "searxng"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The provider's API key (brave, tavily). */
  SEARCH_API_KEY: optional,
  /** The provider's base URL: required for searxng (your instance), optional for the others (their public API). */
  SEARCH_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /**
   * Tests only: lets web_search reach a search provider on a loopback address. Refused in production;
   * fetch_url's address checks are never affected.
   */
  SEARCH_ALLOW_LOOPBACK: z
    .string()
    .optional()
    .transform((v) => v === "1" || v === "true"),
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
  if (config.SEARCH_PROVIDER && config.SEARCH_PROVIDER !== "searxng" && !config.SEARCH_API_KEY)
    throw new ConfigError(`SEARCH_PROVIDER=${config.SEARCH_PROVIDER} needs SEARCH_API_KEY.`);
  if (config.SEARCH_PROVIDER === "searxng" && !config.SEARCH_URL)
    throw new ConfigError("SEARCH_PROVIDER=searxng needs SEARCH_URL (your instance's address).");
  if (config.SEARCH_ALLOW_LOOPBACK && config.NODE_ENV === "production" && !building)
    throw new ConfigError("SEARCH_ALLOW_LOOPBACK is for tests; refusing to start in production with it.");
  return config;
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
