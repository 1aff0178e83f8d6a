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
import { addressOf, createXmtpClient, eoaSigner, randomPrivateKey, type SupportedEnv } from "@/lib/xmtp";

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

/** Where identities' clients live: the XMTP environment and the DATA_DIR whose xmtp/ folder holds their databases. */
export interface XmtpHome {
  env: SupportedEnv;
  dataDir: string;
}

/** Creating and reopening identities' clients, with the worker's sealing key and XMTP home bound once. */
export interface IdentityClients {
  readonly home: XmtpHome;
  create(): Promise<NewIdentityClient>;
  open(row: SealedIdentityKeys): Promise<IdentityClient>;
}

export function identityClients(key: SealingKey, home: XmtpHome): IdentityClients {
  return {
    home,
    create: () => newIdentityClient(key, home),
    open: (row) => openIdentityClient(key, home, row),
  };
}

type SealedIdentityKeys = { encryptedWalletKey: Uint8Array | null; encryptedDbKey: Uint8Array | null };

async function build(home: XmtpHome, privateKey: Uint8Array, dbKey: Uint8Array): Promise<Client<unknown>> {
  const client = await createXmtpClient({
    env: home.env,
    dataDir: home.dataDir,
    signer: eoaSigner(privateKey),
    dbEncryptionKey: dbKey,
    codecs: [...convosCodecs],
    singleDbConnection: true, // hundreds of identities per worker
  });
  return client as unknown as Client<unknown>;
}

/** A brand-new identity, registered on XMTP, with its keys sealed under the master key. */
async function newIdentityClient(key: SealingKey, home: XmtpHome): Promise<NewIdentityClient> {
  const privateKey = Uint8Array.from(Buffer.from(randomPrivateKey().slice(2), "hex"));
  const dbKey = new Uint8Array(randomBytes(32));
  const client = await build(home, privateKey, dbKey);
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
async function openIdentityClient(
  key: SealingKey,
  home: XmtpHome,
  row: SealedIdentityKeys,
): Promise<IdentityClient> {
  if (!row.encryptedWalletKey || !row.encryptedDbKey) throw new Error("identity has no stored keys");
  const privateKey = open(key, row.encryptedWalletKey);
  return { client: await build(home, privateKey, open(key, row.encryptedDbKey)), privateKey };
}
