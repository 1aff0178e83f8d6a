/**
 * What `npm start` refuses although it could run: the parts that make development easy and a
 * deployment unsafe. The embedded PostgreSQL lives in DATA_DIR on the web server's own disk, and the
 * local XMTP node stores and forwards bytes without checking a signature. Each can be allowed on
 * purpose, for a demo box, and each refusal names what to set. A pool API key or metrics token, when
 * set, must be long enough that guessing it is hopeless (wrong guesses are also rate limited, see
 * lib/api/secret-check.ts); that one has no way around.
 */
export interface ProductionChoices {
  DATABASE_URL?: string;
  ALLOW_EMBEDDED_DATABASE: boolean;
  XMTP_ENV: string;
  ALLOW_LOCAL_XMTP: boolean;
  POOL_API_KEY?: string;
  METRICS_TOKEN?: string;
}

/** The fewest characters a pool API key or metrics token may have in production. */
export const MIN_SECRET_LENGTH = 32;

/** One message per unsafe choice, each saying what to set; empty when production may start. */
export function productionRefusals(choices: ProductionChoices): string[] {
  const refusals: string[] = [];
  if (!choices.DATABASE_URL?.trim() && !choices.ALLOW_EMBEDDED_DATABASE) {
    refusals.push(
      "DATABASE_URL is not set, and the embedded PostgreSQL is meant for development: set DATABASE_URL to your " +
        "PostgreSQL server, or ALLOW_EMBEDDED_DATABASE=1 to run on the embedded one anyway.",
    );
  }
  if (choices.XMTP_ENV === "local" && !choices.ALLOW_LOCAL_XMTP) {
    refusals.push(
      "XMTP_ENV is local: the local XMTP node checks no signatures and must not carry real conversations. " +
        "Set XMTP_ENV=production (or dev), or ALLOW_LOCAL_XMTP=1 for an offline demo.",
    );
  }
  for (const name of ["POOL_API_KEY", "METRICS_TOKEN"] as const) {
    const value = choices[name]?.trim();
    if (value && value.length < MIN_SECRET_LENGTH) {
      refusals.push(
        `${name} is ${value.length} characters long; production needs at least ${MIN_SECRET_LENGTH} ` +
          `(e.g. \`openssl rand -hex 32\`), or leave it unset to turn ${name === "POOL_API_KEY" ? "the pool API" : "token access to /api/metrics"} off.`,
      );
    }
  }
  return refusals;
}
