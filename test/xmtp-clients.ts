/**
 * The tests' one client factory: real node-sdk clients (through lib/xmtp, like
 * the product) on the local XMTP node, with fresh database paths in a temp dir,
 * and the one reader of a conversation's texts. No mocks anywhere.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import path from "node:path";
import {
  addressOf,
  type ContentCodec,
  createXmtpClient,
  eoaSigner,
  ethereumIdentifier,
  randomPrivateKey,
} from "@/lib/xmtp/index.ts";

export type TestClient = Awaited<ReturnType<typeof createXmtpClient>>;

export interface TestUser {
  client: TestClient;
  privateKey: `0x${string}`;
  address: string;
  dbPath: string;
  dbEncryptionKey: Uint8Array;
}

export { tempDir } from "./temp-dir";

export interface ClientOptions {
  apiUrl?: string;
  /** Content codecs beyond text (the Convos tests pass every Convos codec). */
  codecs?: readonly ContentCodec[];
}

let counter = 0;

/** Creates and registers a new identity (or, given `privateKey`, another installation of it) with its db in `dir`. */
export async function newUser(
  dir: string,
  options: ClientOptions & { privateKey?: `0x${string}` } = {},
): Promise<TestUser> {
  const privateKey = options.privateKey ?? randomPrivateKey();
  const dbPath = path.join(dir, `client-${process.pid}-${++counter}-${Date.now()}.db3`);
  const dbEncryptionKey = new Uint8Array(randomBytes(32));
  const user = { privateKey, address: addressOf(privateKey), dbPath, dbEncryptionKey };
  return { ...user, client: await reopen(user, options) };
}

/** Reopens a user's client from its on-disk database (same key, same path), as after a process restart. */
export async function reopen(
  user: Omit<TestUser, "client" | "address">,
  options: ClientOptions | string = {},
): Promise<TestClient> {
  const { apiUrl, codecs } = typeof options === "string" ? { apiUrl: options, codecs: undefined } : options;
  const client = await createXmtpClient({
    signer: eoaSigner(user.privateKey),
    dbPath: user.dbPath,
    dbEncryptionKey: user.dbEncryptionKey,
    env: "local",
    apiUrl,
    codecs: codecs ? [...codecs] : undefined,
  });
  // With codecs the client's content type widens; tests read content as `unknown` either way.
  return client as unknown as TestClient;
}

export const identifierOf = (user: TestUser) => ethereumIdentifier(user.address);

export { waitFor } from "./wait-for";

export interface TextMessage {
  sender: string;
  text: string;
}

/**
 * A conversation's text messages, oldest first (membership changes and other
 * content left out), after a sync unless `sync: false` (to read only what is
 * already stored locally).
 */
export async function texts(
  conversation: {
    sync(): Promise<unknown>;
    messages(): Promise<Array<{ content: unknown; senderInboxId: string }>>;
  },
  { sync = true } = {},
): Promise<TextMessage[]> {
  if (sync) await conversation.sync();
  return (await conversation.messages())
    .filter((m) => typeof m.content === "string")
    .map((m) => ({ sender: m.senderInboxId, text: m.content as string }));
}

/**
 * libxmtp checks a group's installations before a send at most every 5 s per group and client: a new
 * installation of a member's inbox (a lost home's replacement) is added by that client's first send
 * more than 5 s after its previous check, and a revoked one dropped the same way.
 */
export const INSTALLATION_CHECK_MS = 5_000;

/**
 * Waits until a client's next send in a group checks its installations again: what remains of
 * INSTALLATION_CHECK_MS (and half a second) after its last send there, which ended at `lastSendAt`.
 */
export async function untilInstallationCheck(lastSendAt: number): Promise<void> {
  await sleep(Math.max(0, lastSendAt + INSTALLATION_CHECK_MS + 500 - Date.now()));
}
