/**
 * Helpers for the integration tests of lib/convos: real node-sdk clients built
 * through lib/xmtp (the one client factory) with every Convos codec, on the
 * local XMTP node, with fresh databases in a temp dir. Test-only.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Client, Group } from "@xmtp/node-sdk";
import { createXmtpClient, eoaSigner, randomPrivateKey } from "../lib/xmtp/index.ts";
import { convosCodecs } from "../lib/convos/codecs";
import {
  InMemoryLedger,
  createConvosConversation,
  inviteToConversation,
  startJoinRequestProcessor,
} from "../lib/convos/creator/index.ts";

export interface Identity {
  client: Client<unknown>;
  privateKey: `0x${string}`;
  dbPath: string;
  dbEncryptionKey: Uint8Array;
}

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;

async function open(
  privateKey: `0x${string}`,
  dbPath: string,
  dbEncryptionKey: Uint8Array,
): Promise<Client<unknown>> {
  const client = await createXmtpClient({
    signer: eoaSigner(privateKey),
    dbPath,
    dbEncryptionKey,
    env: "local",
    codecs: [...convosCodecs],
  });
  return client as unknown as Client<unknown>;
}

/** A new identity (key, database, registered client) on the local node. */
export async function newIdentity(dir: string): Promise<Identity> {
  const privateKey = randomPrivateKey();
  const dbPath = path.join(dir, `convos-${process.pid}-${++counter}.db3`);
  const dbEncryptionKey = new Uint8Array(randomBytes(32));
  return { client: await open(privateKey, dbPath, dbEncryptionKey), privateKey, dbPath, dbEncryptionKey };
}

/** Reopens an identity's client from its database, as after a process restart. */
export async function reopenIdentity(id: Identity): Promise<Identity> {
  return { ...id, client: await open(id.privateKey, id.dbPath, id.dbEncryptionKey) };
}

export interface TestConversation {
  creator: Identity;
  group: Group<unknown>;
  /** The conversation's invite URL (env local). */
  url: string;
  /** Stops accepting join requests. */
  stop(): Promise<unknown>;
}

/** A conversation made by a new identity (an agent, by default) with its invite, letting joiners in until stop(). */
export async function openTestConversation(
  dir: string,
  o: { name: string; creatorName: string; memberKind?: number },
): Promise<TestConversation> {
  const creator = await newIdentity(dir);
  const group = await createConvosConversation(creator.client, {
    name: o.name,
    profile: { name: o.creatorName, memberKind: o.memberKind ?? 1 },
  });
  const processor = await startJoinRequestProcessor({
    client: creator.client,
    privateKey: creator.privateKey,
    ledger: new InMemoryLedger(),
  });
  const { url } = await inviteToConversation(creator.client, group, creator.privateKey, "local");
  return { creator, group, url, stop: () => processor.stop() };
}

export { waitFor } from "@/test/wait-for";
