/**
 * Helpers for specs that claim agents: wait for the worker to warm the pool,
 * and a creator-side XMTP client (a conversation plus its invite, accepting
 * join requests) so an agent can be added to a conversation someone else made.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import type { Client } from "@xmtp/node-sdk";
import { convosCodecs } from "@/lib/convos/codecs";
import {
  InMemoryLedger,
  createConvosConversation,
  inviteToConversation,
  startJoinRequestProcessor,
} from "@/lib/convos/creator";
import { createXmtpClient, eoaSigner, randomPrivateKey } from "@/lib/xmtp";
import { signInByEmail } from "./mailbox";

/** Waits until the pool has at least `n` idle identities (the worker fills it after start). */
export async function waitForIdle(request: APIRequestContext, n = 1, timeout = 120_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const response = await request.get("/api/pool/counts");
        return response.ok() ? ((await response.json()) as { idle: number }).idle : 0;
      },
      { timeout, intervals: [500, 1000] },
    )
    .toBeGreaterThanOrEqual(n);
}

/** Signs `email` in, launches the template `slug` (named `name`) and opens the agent's page; returns its id. */
export async function launchAndOpenAgentPage(
  page: Page,
  request: APIRequestContext,
  email: string,
  slug: string,
  name: string,
): Promise<string> {
  await waitForIdle(request);
  await signInByEmail(page, email, `/a/${slug}`);
  await page.getByRole("button", { name: "Launch agent" }).click();
  await expect(page.getByTestId("claim-result")).toBeVisible();
  await page.goto("/agents");
  await page
    .getByTestId("agent-card")
    .first()
    .getByRole("link", { name: new RegExp(name) })
    .click();
  await page.waitForURL(/\/agents\/[^/]+$/);
  return new URL(page.url()).pathname.split("/").at(-1)!;
}

export interface TestCreator {
  inviteUrl: string;
  client: Client<unknown>;
  /** Inbox ids of the conversation's members, synced from the network. */
  memberInboxIds(): Promise<string[]>;
  stop(): Promise<void>;
}

/** A conversation created by a fresh identity on the local node, with an invite and a running join-request processor. */
export async function startTestCreator(dir: string): Promise<TestCreator> {
  fs.mkdirSync(dir, { recursive: true });
  const privateKey = randomPrivateKey();
  const client = (await createXmtpClient({
    signer: eoaSigner(privateKey),
    dbPath: path.join(dir, `creator-${Date.now()}.db3`),
    dbEncryptionKey: new Uint8Array(randomBytes(32)),
    env: "local",
    codecs: [...convosCodecs],
  })) as unknown as Client<unknown>;
  const group = await createConvosConversation(client, {
    name: "E2E room",
    profile: { name: "E2E creator", memberKind: 0 },
  });
  const invite = await inviteToConversation(client, group, privateKey, "local");
  const processor = await startJoinRequestProcessor({
    client,
    privateKey,
    ledger: new InMemoryLedger(),
    provisionalProfiles: new Map(),
  });
  return {
    inviteUrl: invite.url,
    client,
    async memberInboxIds() {
      await group.sync();
      return (await group.members()).map((m) => m.inboxId);
    },
    stop: () => processor.stop(),
  };
}
