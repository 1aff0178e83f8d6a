/**
 * Development secrets: AUTH_SECRET, MASTER_KEY and the attestation signing key
 * (ATTESTATION_PRIVATE_KEY with its ATTESTATION_KID) are generated once into
 * `$DATA_DIR/dev-secrets.json` (mode 0600) so sessions, encrypted keys and
 * agents' attestations survive restarts. Never used in production, which must set them.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { settingNow } from "@/lib/config.ts";
import { generateAttestationKey } from "@/lib/attestation/keys.ts";

const DEV_SECRETS = ["AUTH_SECRET", "MASTER_KEY", "ATTESTATION_PRIVATE_KEY", "ATTESTATION_KID"] as const;

/** Fills in what `secrets` lacks; the attestation key and its id are made together. */
function generate(secrets: Record<string, string>, key: (typeof DEV_SECRETS)[number]): void {
  if (key === "ATTESTATION_PRIVATE_KEY" || key === "ATTESTATION_KID") {
    const made = generateAttestationKey();
    secrets.ATTESTATION_PRIVATE_KEY = made.privateKeyPem;
    secrets.ATTESTATION_KID = made.kid;
  } else secrets[key] = randomBytes(32).toString("base64url");
}

export function loadDevSecrets(dataDir: string, log: (line: string) => void): Record<string, string> {
  const file = path.join(dataDir, "dev-secrets.json");
  let secrets: Record<string, string> = {};
  if (fs.existsSync(file)) secrets = JSON.parse(fs.readFileSync(file, "utf8"));
  let changed = false;
  for (const key of DEV_SECRETS) {
    if (!secrets[key]) {
      generate(secrets, key);
      changed = true;
      log(`generated a development ${key} into ${file} (set ${key} yourself in production)`);
    }
  }
  if (changed) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  // Explicit environment wins over the generated file; a key id goes only with its own key.
  const ownAttestationKey = Boolean(settingNow("ATTESTATION_PRIVATE_KEY"));
  return Object.fromEntries(
    DEV_SECRETS.filter(
      (k) => secrets[k] && !settingNow(k) && !(k === "ATTESTATION_KID" && ownAttestationKey),
    ).map((k) => [k, secrets[k]]),
  );
}
