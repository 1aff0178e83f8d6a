/**
 * Configuration, validated once from process.env. Every setting has a safe
 * local default, except the secrets, which production refuses to run without.
 * docs/configuration.md lists the same settings (lib/config-docs.test.ts holds
 * the two together). This is the one module that reads process.env; the rest
 * of the code asks it.
 */
import { z } from "zod";
import { productionRefusals } from "./production-defaults";
import { AttestationKeyError, attestationKeys } from "@/lib/attestation/keys";
import { allowedModels } from "@/lib/llm/models";
import { isEd25519PublicKey } from "@/lib/providers/telnyx/signature";
import { parsePrices } from "@/lib/llm/prices";

const optional = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const positiveInt = z.coerce.number().int().positive();
const optionalMs = positiveInt.optional().or(z.literal("").transform(() => undefined));
const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** An on/off setting: "1" or "true" is on, anything else (unset included) is off. */
const flag = z
  .string()
  .optional()
  .transform((v) => isFlagSet(v));

export function isFlagSet(value: string | undefined): boolean {
  return value === "1" || value === "true";
}

/** An amount in US dollars, from a cent to 100 000. */
const usd = z.coerce.number().min(0.01).max(100_000);

const perHour = (fallback: number) => z.coerce.number().int().positive().max(100_000).default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optional,
  /** Port of the embedded PostgreSQL (used when DATABASE_URL is unset). */
  EMBEDDED_PG_PORT: positiveInt.default(54329),
  XMTP_ENV: z.enum(["local", "dev", "production"]).default("local"),
  /** Largest request the local XMTP node accepts (workers/xmtp-node/server.ts). */
  XMTP_NODE_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(32 * 1024 * 1024),
  DATA_DIR: optional.transform((v) => v ?? ".data"),
  /** Port of the local XMTP node, where `local` clients look for it too (docs/configuration.md). */
  XMTP_NODE_PORT: positiveInt.default(5556),
  XMTP_NODE_LOG_LEVEL: logLevel.default("info"),
  /** The agents worker's log level. */
  LOG_LEVEL: logLevel.default("info"),
  /** The worker's id in leases and events; default: host, pid and a random suffix. */
  WORKER_ID: optional,
  /** Worker timings, shortened by tests; unset = the worker's defaults. */
  WORKER_LEASE_MS: optionalMs,
  WORKER_HEARTBEAT_MS: optionalMs,
  WORKER_POLL_MS: optionalMs,
  WORKER_GRACE_MS: optionalMs,
  WORKER_SWEEP_MS: optionalMs,
  /**
   * The longest one step of a handoff may take (opening the identity's client, renaming its group,
   * starting its runtime) before the handoff is given up, its lease released and retried later.
   */
  WORKER_HANDOFF_STEP_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  /** Handoff steps one worker runs at once; the rest of a burst of claims or a failover queues. */
  WORKER_HANDOFF_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(8),
  /**
   * The worker process is killed (and restarted by its supervisor) when its main thread has been blocked
   * this long (workers/agents/worker/watchdog.ts); 0 turns the watchdog off, e.g. to pause at a breakpoint.
   */
  WORKER_WATCHDOG_MS: z.coerce
    .number()
    .int()
    .max(600_000)
    .refine((ms) => ms === 0 || ms >= 500, "0 (off), or at least 500")
    .default(20_000),
  /** `npm run dev`/`start`: the wait before restarting a crashed worker or node; it doubles with each crash in a row. */
  SUPERVISOR_RESTART_DELAY_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** How long the admin page's pool samples (one a minute) are kept before the worker prunes them. */
  POOL_SAMPLE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  /** The most live agents one worker runs (about 1 MB each, bench/pool.ts); past it, claims go to other workers. */
  WORKER_MAX_AGENTS: z.coerce.number().int().positive().max(100_000).default(1_000),
  /** The terminal chat's display name; default: the system user name. */
  CHAT_NAME: optional,
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
  ENABLE_DEV_SIGNIN: flag,
  /** Interface the web server listens on; unset: 127.0.0.1 for `npm run dev`, every interface for `npm start`. */
  HOST: optional,
  /**
   * A reverse proxy we run sits in front and appends the client's address to X-Forwarded-For.
   * Off: forwarded headers from clients are replaced with the socket's address (scripts/forwarded-headers.mjs).
   */
  TRUST_PROXY: flag,
  /** `npm start` on the embedded PostgreSQL (a demo box, not a deployment). */
  ALLOW_EMBEDDED_DATABASE: flag,
  /** `npm start` on the local XMTP node, which checks no signatures (an offline demo, not a deployment). */
  ALLOW_LOCAL_XMTP: flag,
  /** Sign-in e-mails one address may be sent per hour. */
  SIGNIN_MAILS_PER_HOUR_PER_ADDRESS: perHour(5),
  /** Sign-in e-mails one client address may ask for per hour, whatever addresses it names. */
  SIGNIN_MAILS_PER_HOUR_PER_CLIENT: perHour(20),
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
  /** The models templates and owners may choose, in fallback order (lib/llm/models.ts); unset: LLM_MODEL alone. */
  LLM_MODELS: optional,
  /** What models cost, `model=USD per million tokens`, comma-separated (lib/llm/prices.ts); unset: no money shown. */
  LLM_PRICES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parsePrices(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
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
  /** A direct-add claim nobody adds to a conversation within this long is released back to the pool. */
  DIRECT_ADD_WAIT_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(600_000),
  /** Per sender and conversation: messages answered in a burst, then one more every SENDER_REFILL_MS. */
  AGENT_SENDER_BURST: z.coerce.number().int().min(1).max(1_000).default(20),
  AGENT_SENDER_REFILL_MS: z.coerce.number().int().min(100).max(3_600_000).default(2_000),
  /**
   * A conversation where someone is over their rate is read again only after this pause (then caught up
   * in pages) instead of message by message: the SDK's stream costs the worker's main thread ~1 ms per message.
   */
  AGENT_FLOOD_PAUSE_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /**
   * Per sender and conversation, for what asks for no answer (read receipts, profiles, group updates): a
   * larger bucket than for texts, since apps send these on their own (workers/agents/runtime/inbox.ts). Over it,
   * reading pauses as for texts, and nothing is dropped.
   */
  AGENT_SENDER_CONTEXT_BURST: z.coerce.number().int().min(1).max(100_000).default(100),
  AGENT_SENDER_CONTEXT_REFILL_MS: z.coerce.number().int().min(10).max(3_600_000).default(250),
  /**
   * Times a message may be taken for answering when the runs before never finished it (a crash, a hang
   * the watchdog ended, a stop mid-answer); then it is given up and the conversation told once.
   */
  AGENT_ANSWER_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** The longest one tool call may take; past it the model reads an error and the answer goes on. */
  AGENT_TOOL_CALL_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /**
   * Messages that must have left an agent's history window since its last summary of the conversation
   * before the model writes a new one (lib/memory/summary.ts); 0: no summaries.
   */
  MEMORY_SUMMARY_AFTER: z.coerce.number().int().min(0).max(100).default(20),
  /** Messages waiting to be answered per conversation; beyond it new ones are dropped (with one notice). */
  AGENT_QUEUE_MAX: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Age after which the worker deletes handled-message ledger rows, events, pending pairings and sign-in tokens. */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  /** PostgreSQL: time to open a connection, and the longest a statement may run. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
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
  /**
   * Origins (`https://s3.internal:9000`) of stores whose remote attachments may be downloaded although they are
   * on a private address or port; empty: only public addresses on ports 80 and 443 (lib/attachments/download.ts).
   */
  ATTACHMENT_HOSTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const origins: string[] = [];
      for (const entry of (v ?? "").split(",").map((e) => e.trim())) {
        if (entry === "") continue;
        const origin = URL.canParse(entry) ? new URL(entry).origin : "null";
        if (origin === "null" || !/^https?:/.test(origin)) {
          ctx.addIssue({ code: "custom", message: `"${entry}" is not an http(s) origin` });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins;
    }),
  /** The largest attachment a member may send an agent (bytes, checked before and while downloading). */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1_000).max(100_000_000).default(25_000_000),
  /** The longest one attachment's download may take. */
  ATTACHMENT_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
  /** Attachments read of one message; the rest are named in one line and left. */
  ATTACHMENT_MAX_PER_MESSAGE: z.coerce.number().int().min(1).max(20).default(4),
  /** Which models see images: `on` (all), `off` (none), or a comma-separated list of model names. */
  LLM_VISION: z.string().default("on"),
  /** The OpenAI-compatible /audio/transcriptions model for voice notes; unset: voice notes are not transcribed. */
  TRANSCRIPTION_MODEL: optional,
  /** Where transcriptions go; unset: LLM_BASE_URL. */
  TRANSCRIPTION_BASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The transcription service's key; unset: LLM_API_KEY. */
  TRANSCRIPTION_API_KEY: optional,
  /** OpenRouter's management key: set, each agent gets a model key of its own (lib/providers/openrouter). */
  OPENROUTER_MANAGEMENT_KEY: optional,
  /** OpenRouter's API: the management endpoints (/keys) and the chat completions agents' keys call. */
  OPENROUTER_BASE_URL: z.string().url().default("https://openrouter.ai/api/v1"),
  /** Names of our keys start with it: orphans are found by it, so deployments sharing an account need their own. */
  OPENROUTER_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,40}$/, "1 to 40 letters, digits, dots, dashes or underscores")
    .default("convos-agent-"),
  /** What a new agent's key may spend, in US dollars. */
  OPENROUTER_KEY_LIMIT: usd.default(1),
  /** The most an owner may raise their agent's key limit to, in US dollars. */
  OPENROUTER_KEY_LIMIT_MAX: usd.default(10),
  /** How much one raise adds, in US dollars. */
  OPENROUTER_KEY_LIMIT_STEP: usd.default(1),
  /** AgentMail (the `email` tool, incoming mail): on when the key, the domain and the webhook secret are all set. */
  AGENTMAIL_API_KEY: optional,
  /** The domain agents' inboxes are made under (agentmail.to, or yours once AgentMail verified it). */
  AGENTMAIL_DOMAIN: optional,
  /** The webhook's Svix signing secret ("whsec_…"), from AgentMail's webhook settings. */
  AGENTMAIL_WEBHOOK_SECRET: optional,
  AGENTMAIL_BASE_URL: z.string().url().default("https://api.agentmail.to/v0"),
  /** E-mails one agent may send in any hour. */
  AGENTMAIL_SENDS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Telnyx (the `sms` tool, incoming texts): on when the key, the messaging profile and the public key are all set. */
  TELNYX_API_KEY: optional,
  /** The messaging profile our numbers are assigned to (its webhook URL points at /api/webhooks/telnyx). */
  TELNYX_MESSAGING_PROFILE_ID: optional,
  /** The account's Ed25519 public key (base64, from the portal) that webhooks are verified with. */
  TELNYX_WEBHOOK_PUBLIC_KEY: optional,
  TELNYX_BASE_URL: z.string().url().default("https://api.telnyx.com/v2"),
  /** Texts one agent may send in any hour. */
  TELNYX_SENDS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Agent attestation (docs/convos-protocol.md §8.5): on unless "off"; off, production needs no key. */
  ATTESTATION: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = (v ?? "").trim().toLowerCase();
      if (["", "on", "1", "true"].includes(value)) return true;
      if (["off", "0", "false"].includes(value)) return false;
      ctx.addIssue({ code: "custom", message: "on or off" });
      return z.NEVER;
    }),
  /** The Ed25519 key (PEM) that signs agents' attestations, and its id in the JWKS. */
  ATTESTATION_PRIVATE_KEY: optional,
  ATTESTATION_KID: optional,
  /** After a rotation: the previous public key (PEM or base64url) and id, still listed in the JWKS. */
  ATTESTATION_RETIRING_PUBLIC_KEY: optional,
  ATTESTATION_RETIRING_KID: optional,
  /**
   * An S3-compatible store for the files agents send (lib/files/s3.ts): on when the endpoint, the bucket
   * and both keys are set; otherwise the web app serves them (app/api/blobs/[id]).
   */
  ATTACHMENT_S3_ENDPOINT: optional.pipe(z.string().url().optional()),
  ATTACHMENT_S3_BUCKET: optional,
  ATTACHMENT_S3_REGION: z.string().trim().min(1).default("us-east-1"),
  ATTACHMENT_S3_ACCESS_KEY_ID: optional,
  ATTACHMENT_S3_SECRET_ACCESS_KEY: optional,
  /** Where members' apps fetch the objects from; default: the endpoint and the bucket (path style). */
  ATTACHMENT_S3_PUBLIC_URL: optional.pipe(z.string().url().optional()),
});

export type Config = z.infer<typeof schema>;

/** Every setting this module reads from the environment, as docs/configuration.md lists them. */
export const SETTING_NAMES = Object.keys(schema.shape) as (keyof Config)[];

export class ConfigError extends Error {
  readonly code = "config_error";
}

/** What production refuses to run without. */
const PRODUCTION_REQUIRED = ["AUTH_SECRET", "MASTER_KEY", "DATABASE_URL"] as const;

/** Which of PRODUCTION_REQUIRED an environment lacks (blank counts as missing, as in the schema). */
export function missingInProduction(env: Record<string, string | undefined>): string[] {
  const missing: string[] = PRODUCTION_REQUIRED.filter((name) => !env[name]?.trim());
  // Agents are verifiable only with a signing key: production says so unless attestation is switched off.
  const attestationOff = ["off", "0", "false"].includes(env.ATTESTATION?.trim().toLowerCase() ?? "");
  if (!attestationOff && !env.ATTESTATION_PRIVATE_KEY?.trim())
    missing.push("ATTESTATION_PRIVATE_KEY (or ATTESTATION=off)");
  return missing;
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
    const refusals = productionRefusals(config);
    if (refusals.length > 0) throw new ConfigError(refusals.join(" "));
  }
  try {
    attestationKeys(config);
  } catch (err) {
    if (err instanceof AttestationKeyError) throw new ConfigError(err.message);
    throw err;
  }
  try {
    allowedModels(config);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: LLM_MODELS: ${(err as Error).message}`);
  }
  if (config.SEARCH_PROVIDER && config.SEARCH_PROVIDER !== "searxng" && !config.SEARCH_API_KEY)
    throw new ConfigError(`SEARCH_PROVIDER=${config.SEARCH_PROVIDER} needs SEARCH_API_KEY.`);
  if (config.SEARCH_PROVIDER === "searxng" && !config.SEARCH_URL)
    throw new ConfigError("SEARCH_PROVIDER=searxng needs SEARCH_URL (your instance's address).");
  if (config.OPENROUTER_KEY_LIMIT > config.OPENROUTER_KEY_LIMIT_MAX)
    throw new ConfigError("OPENROUTER_KEY_LIMIT is above OPENROUTER_KEY_LIMIT_MAX.");
  const s3 = [
    config.ATTACHMENT_S3_ENDPOINT,
    config.ATTACHMENT_S3_BUCKET,
    config.ATTACHMENT_S3_ACCESS_KEY_ID,
    config.ATTACHMENT_S3_SECRET_ACCESS_KEY,
  ];
  if (s3.some(Boolean) && !s3.every(Boolean))
    throw new ConfigError(
      "The attachment store needs all of ATTACHMENT_S3_ENDPOINT, ATTACHMENT_S3_BUCKET, ATTACHMENT_S3_ACCESS_KEY_ID and ATTACHMENT_S3_SECRET_ACCESS_KEY (or none).",
    );
  const mail = [config.AGENTMAIL_API_KEY, config.AGENTMAIL_DOMAIN, config.AGENTMAIL_WEBHOOK_SECRET];
  if (mail.some(Boolean) && !mail.every(Boolean))
    throw new ConfigError(
      "E-mail needs all of AGENTMAIL_API_KEY, AGENTMAIL_DOMAIN and AGENTMAIL_WEBHOOK_SECRET (or none).",
    );
  const sms = [config.TELNYX_API_KEY, config.TELNYX_MESSAGING_PROFILE_ID, config.TELNYX_WEBHOOK_PUBLIC_KEY];
  if (sms.some(Boolean) && !sms.every(Boolean))
    throw new ConfigError(
      "SMS needs all of TELNYX_API_KEY, TELNYX_MESSAGING_PROFILE_ID and TELNYX_WEBHOOK_PUBLIC_KEY (or none).",
    );
  if (config.TELNYX_WEBHOOK_PUBLIC_KEY && !isEd25519PublicKey(config.TELNYX_WEBHOOK_PUBLIC_KEY))
    throw new ConfigError("TELNYX_WEBHOOK_PUBLIC_KEY: the portal's public key, 32 bytes in base64.");
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

/**
 * One setting as the environment says right now, validated like the rest but
 * not cached: the data folder, the database URL and the XMTP environment are
 * pointed elsewhere in-process by tests (one database per test file) and by
 * the run command before it starts its parts.
 */
export function settingNow<K extends keyof Config>(name: K): Config[K] {
  const result = schema.shape[name].safeParse(process.env[name]);
  if (!result.success) {
    const issues = result.error.issues.map((i) => i.message).join("; ");
    throw new ConfigError(`Invalid configuration: ${name}: ${issues}`);
  }
  return result.data as Config[K];
}
