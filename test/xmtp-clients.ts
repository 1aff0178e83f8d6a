/**
 * Test helpers: real node-sdk clients (through lib/xmtp, like the product)
 * with fresh database paths in a temp dir, and small waiting utilities.
 * No mocks anywhere.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  addressOf,
  createXmtpClient,
  eoaSigner,
  ethereumIdentifier,
  randomPrivateKey,
} from "../lib/xmtp/index.ts";

export type TestClient = Awaited<ReturnType<typeof createXmtpClient>>;

export interface TestUser {
  client: TestClient;
  privateKey: `0x${string}`;
  address: string;
  dbPath: string;
  dbEncryptionKey: Uint8Array;
}

/** A fresh temp dir and its remover (call it in afterAll/afterEach). */
export function tempDir(prefix = "xmtp-test-"): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;

/** Creates and registers a new identity (or, given `privateKey`, another installation of it) with its db in `dir`. */
export async function newUser(
  dir: string,
  options: { privateKey?: `0x${string}`; apiUrl?: string } = {},
): Promise<TestUser> {
  const privateKey = options.privateKey ?? randomPrivateKey();
  const dbPath = path.join(dir, `client-${++counter}-${Date.now()}.db3`);
  const dbEncryptionKey = new Uint8Array(randomBytes(32));
  const client = await createXmtpClient({
    signer: eoaSigner(privateKey),
    dbPath,
    dbEncryptionKey,
    env: "local",
    apiUrl: options.apiUrl,
  });
  return { client, privateKey, address: addressOf(privateKey), dbPath, dbEncryptionKey };
}

/** Reopens a user's client from its on-disk database (same key, same path). */
export async function reopen(user: TestUser, apiUrl?: string): Promise<TestClient> {
  return createXmtpClient({
    signer: eoaSigner(user.privateKey),
    dbPath: user.dbPath,
    dbEncryptionKey: user.dbEncryptionKey,
    env: "local",
    apiUrl,
  });
}

export const identifierOf = (user: TestUser) => ethereumIdentifier(user.address);

export { waitFor } from "@/test/wait-for";

/** The text contents of a conversation's messages, oldest first (membership changes left out). */
export async function texts(conversation: {
  messages(): Promise<Array<{ content: unknown }>>;
}): Promise<string[]> {
  const messages = await conversation.messages();
  return messages.map((m) => m.content).filter((c): c is string => typeof c === "string");
}
