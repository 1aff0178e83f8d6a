/**
 * An identity's XMTP client: fresh (new secp256k1 key and database key, both
 * sealed for storage) or reopened from the sealed keys in its row. The
 * database file lives under `$DATA_DIR/xmtp/`, so any worker sharing DATA_DIR
 * can reopen it.
 */
import { randomBytes } from "node:crypto";
import type { Client } from "@xmtp/node-sdk";
import { convosCodecs } from "@/lib/convos";
import { open, seal, type SealingKey } from "@/lib/secrets";
import { addressOf, createXmtpClient, eoaSigner, randomPrivateKey } from "@/lib/xmtp";

export interface IdentityClient {
  client: Client<unknown>;
  privateKey: Uint8Array;
}

export interface NewIdentityClient extends IdentityClient {
  inboxId: string;
  address: string;
  encryptedWalletKey: Uint8Array<ArrayBuffer>;
  encryptedDbKey: Uint8Array<ArrayBuffer>;
}

async function build(privateKey: Uint8Array, dbKey: Uint8Array): Promise<Client<unknown>> {
  const client = await createXmtpClient({
    signer: eoaSigner(privateKey),
    dbEncryptionKey: dbKey,
    codecs: [...convosCodecs],
    singleDbConnection: true, // hundreds of identities per worker
  });
  return client as unknown as Client<unknown>;
}

/** A brand-new identity, registered on XMTP, with its keys sealed under the master key. */
export async function newIdentityClient(key: SealingKey): Promise<NewIdentityClient> {
  const privateKey = Uint8Array.from(Buffer.from(randomPrivateKey().slice(2), "hex"));
  const dbKey = new Uint8Array(randomBytes(32));
  const client = await build(privateKey, dbKey);
  return {
    client,
    privateKey,
    inboxId: client.inboxId,
    address: addressOf(privateKey),
    encryptedWalletKey: seal(key, privateKey),
    encryptedDbKey: seal(key, dbKey),
  };
}

/** Reopens an identity from its sealed keys; throws when they are missing or do not open. */
export async function openIdentityClient(
  key: SealingKey,
  row: { encryptedWalletKey: Uint8Array | null; encryptedDbKey: Uint8Array | null },
): Promise<IdentityClient> {
  if (!row.encryptedWalletKey || !row.encryptedDbKey) throw new Error("identity has no stored keys");
  const privateKey = open(key, row.encryptedWalletKey);
  return { client: await build(privateKey, open(key, row.encryptedDbKey)), privateKey };
}
