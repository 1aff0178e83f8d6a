/**
 * The terminal chat user's local identity: a secp256k1 wallet key and a
 * database encryption key in `$DATA_DIR/chat/identity.json`, readable by the
 * owner only (0600, in a 0700 folder). Other Convos
 * implementations keep keys in world-readable JSON (docs/convos-protocol.md §11.1); we do not.
 * Written atomically (temp file + rename) so a crash never leaves half a key.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { addressOf, randomPrivateKey } from "@/lib/xmtp/index.ts";

export interface ChatIdentity {
  privateKey: `0x${string}`;
  dbEncryptionKey: Uint8Array;
  address: string;
}

interface StoredIdentity {
  privateKey: string;
  dbEncryptionKey: string;
  createdAt: string;
}

/** Path of the identity file for a data directory. */
export function identityPath(dataDir: string): string {
  return path.join(dataDir, "chat", "identity.json");
}

/** Loads the identity, creating it on first use; the file is always left at mode 0600. */
export function loadOrCreateIdentity(dataDir: string): ChatIdentity {
  const file = identityPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    const stored: StoredIdentity = {
      privateKey: randomPrivateKey(),
      dbEncryptionKey: randomBytes(32).toString("hex"),
      createdAt: new Date().toISOString(),
    };
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(stored, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  fs.chmodSync(file, 0o600);
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<StoredIdentity>;
  if (
    !/^0x[0-9a-f]{64}$/i.test(stored.privateKey ?? "") ||
    !/^[0-9a-f]{64}$/i.test(stored.dbEncryptionKey ?? "")
  ) {
    throw new Error(`${file} is not a valid chat identity; move it away to start over`);
  }
  const privateKey = stored.privateKey as `0x${string}`;
  return {
    privateKey,
    dbEncryptionKey: new Uint8Array(Buffer.from(stored.dbEncryptionKey!, "hex")),
    address: addressOf(privateKey),
  };
}
