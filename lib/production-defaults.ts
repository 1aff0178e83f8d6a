/**
 * What `npm start` refuses although it could run: the parts that make development easy and a
 * deployment unsafe. The embedded PostgreSQL lives in DATA_DIR on the web server's own disk, and the
 * local XMTP node stores and forwards bytes without checking a signature. Each can be allowed on
 * purpose, for a demo box, and each refusal names what to set.
 */
export interface ProductionChoices {
  DATABASE_URL?: string;
  ALLOW_EMBEDDED_DATABASE: boolean;
  XMTP_ENV: string;
  ALLOW_LOCAL_XMTP: boolean;
}

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
  return refusals;
}
