/**
 * Development secrets: AUTH_SECRET and MASTER_KEY are generated once into
 * `$DATA_DIR/dev-secrets.json` (mode 0600) so sessions and encrypted keys
 * survive restarts. Never used in production, which must set both.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { settingNow } from "@/lib/config.ts";

const DEV_SECRETS = ["AUTH_SECRET", "MASTER_KEY"] as const;

export function loadDevSecrets(dataDir: string, log: (line: string) => void): Record<string, string> {
  const file = path.join(dataDir, "dev-secrets.json");
  let secrets: Record<string, string> = {};
  if (fs.existsSync(file)) secrets = JSON.parse(fs.readFileSync(file, "utf8"));
  let changed = false;
  for (const key of DEV_SECRETS) {
    if (!secrets[key]) {
      secrets[key] = randomBytes(32).toString("base64url");
      changed = true;
      log(`generated a development ${key} into ${file} (set ${key} yourself in production)`);
    }
  }
  if (changed) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  // Explicit environment wins over the generated file.
  return Object.fromEntries(
    DEV_SECRETS.filter((k) => secrets[k] && !settingNow(k)).map((k) => [k, secrets[k]]),
  );
}
