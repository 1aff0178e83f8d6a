/**
 * The deployment's MASTER_KEY: from the environment; in development generated
 * once into `$DATA_DIR/dev-secrets.json` (the same file the run command uses,
 * so the web app and the worker agree). Production refuses to start without it.
 */
import fs from "node:fs";
import path from "node:path";
import { settingNow } from "@/lib/config.ts";
import { loadDevSecrets } from "./dev-secrets.ts";
import { dataDirFromEnv } from "@/lib/xmtp/paths.ts";
import { deriveSealingKey, SealError, type SealingKey } from "./seal.ts";

export interface LoadMasterKeyOptions {
  env?: Record<string, string | undefined>;
  dataDir?: string;
  log?: (line: string) => void;
}

/** The sealing key from MASTER_KEY; throws SealError in production when it is missing. */
export function loadMasterKey(o: LoadMasterKeyOptions = {}): SealingKey {
  const env = o.env ?? { MASTER_KEY: settingNow("MASTER_KEY"), NODE_ENV: settingNow("NODE_ENV") };
  const given = env.MASTER_KEY?.trim();
  if (given) return deriveSealingKey(given);
  if (env.NODE_ENV === "production") {
    throw new SealError("MASTER_KEY is not set: production refuses to start without it");
  }
  const dataDir = o.dataDir ?? dataDirFromEnv();
  const log = o.log ?? ((line: string) => console.log(`[secrets] ${line}`));
  loadDevSecrets(dataDir, log); // generates the file's keys once; it hides keys set in the environment, so read the file
  const file = path.join(dataDir, "dev-secrets.json");
  const key = (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>).MASTER_KEY;
  if (!key) throw new SealError("no MASTER_KEY in the environment nor in the development secrets");
  log(`using the development MASTER_KEY from ${file}`);
  return deriveSealingKey(key);
}
