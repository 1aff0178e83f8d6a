/**
 * For the privacy tests: a user with one agent and a row in every table that can hold something of
 * them, each row carrying the marker `p` (in an id, an inbox id, a text or an e-mail address) so a
 * scan of every table can tell whether anything of them is left.
 */
import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export interface Seeded {
  userId: string;
  email: string;
  agentId: string;
  identityId: string;
  /** Strings of which none may appear anywhere once the user (or agent) is erased. */
  markers: string[];
}

/** Seeds one user (`p` is a unique prefix) with an agent stopped and left (identity retired) or running. */
export async function seedUserWithAgent(db: PrismaClient, p: string, running = false): Promise<Seeded> {
  const email = `${p}@example.test`;
  const emailHash = createHash("sha256").update(email).digest("hex");
  const user = await db.user.create({
    data: {
      id: `${p}-user`,
      email,
      accounts: { create: { type: "email", provider: "email", providerAccountId: `${p}-account` } },
      sessions: { create: { sessionToken: `${p}-session`, expires: new Date(Date.now() + 3_600_000) } },
    },
  });
  await db.verificationToken.create({
    data: { identifier: email, token: `${p}-token`, expires: new Date(Date.now() + 3_600_000) },
  });
  await db.rateLimitHit.create({ data: { bucket: "signin-mail:address", key: emailHash } });
  await db.idempotencyKey.create({ data: { scope: `user:${user.id}`, key: `${p}-claim`, fingerprint: "f" } });
  const agent = await db.agent.create({
    data: {
      id: `${p}-agent`,
      ownerId: user.id,
      name: `${p} Planner`,
      instructions: "Plans.",
      status: running ? "live" : "stopped",
      stopReason: running ? null : "owner",
    },
  });
  const identity = await db.identity.create({
    data: {
      id: `${p}-identity`,
      agentId: agent.id,
      status: running ? "live" : "retired",
      isOwnerConversation: true,
      inboxId: `${p}-inbox`,
      conversationId: `${p}-conversation`,
      encryptedWalletKey: running ? Buffer.from(`${p}-wallet-key`) : null,
      encryptedDbKey: running ? Buffer.from(`${p}-db-key`) : null,
    },
  });
  await seedAgentRows(db, p, agent.id, identity.id);
  return { userId: user.id, email, agentId: agent.id, identityId: identity.id, markers: [p, emailHash] };
}

async function seedAgentRows(db: PrismaClient, p: string, agentId: string, identityId: string) {
  const conversationId = `${p}-conversation`;
  await db.event.create({ data: { kind: "claim", agentId, latencyMs: 5 } });
  await db.event.create({ data: { kind: "failure", identityId, error: `${p} pool failure` } });
  await db.handledMessage.create({ data: { identityId, messageId: `${p}-m1`, kind: "answered" } });
  await db.pairingRequest.create({ data: { agentId, inboxId: `${p}-stranger`, code: "ABC123" } });
  await db.idempotencyKey.create({
    data: { scope: "api:key", key: `${p}-api-claim`, fingerprint: "f", agentId },
  });
  await db.toolCall.create({
    data: {
      identityId,
      messageId: `${p}-m1`,
      position: 0,
      round: 0,
      callId: "c1",
      name: "add_to_list",
      arguments: '{"item":"bread"}',
      status: "done",
      result: "added",
    },
  });
  await db.sharedList.create({
    data: { agentId, conversationId, name: "shopping", items: { create: { text: `${p} bread` } } },
  });
  await db.poll.create({
    data: {
      agentId,
      conversationId,
      question: "Where to?",
      options: ["Rome", "Oslo"],
      votes: { create: { voter: `${p}-voter`, option: 1, messageId: `${p}-m2`, sentAtNs: 1n } },
    },
  });
  await db.tokenReservation.create({ data: { id: `${p}-reservation`, agentId, tokens: 10 } });
  await db.blob.create({
    data: {
      id: `${p}-blob`.padEnd(32, "0"),
      agentId,
      size: 14,
      data: Buffer.from(`${p} ciphertext`),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  await db.tokenUsageDay.create({ data: { agentId, day: new Date(), tokens: 10, costMicros: 6n } });
  const schedule = await db.schedule.create({
    data: { agentId, identityId, timeZone: "UTC", text: "Pack the bags", status: "cancelled" },
  });
  await db.scheduleFiring.create({
    data: { scheduleId: schedule.id, dueAt: new Date(), identityId, status: "sent" },
  });
  await db.inviteRequest.create({ data: { agentId, identityId, action: "lock", status: "done" } });
  await db.memory.create({ data: { agentId, conversationId, text: "Sam is vegetarian" } });
  await db.conversationSummary.create({
    data: { agentId, conversationId, text: `${p} trip in March`, coveredUntilNs: 5n, messages: 5 },
  });
  await db.providerUsage.create({ data: { agentId, provider: "agentmail", sent: 1 } });
  await db.agentMailInbox.create({
    data: { agentId, clientId: `${p}-mail-client`, inboxId: `${p}@mail.test`, address: `${p}@mail.test` },
  });
  await db.agentModelKey.create({
    data: {
      agentId,
      name: `convos-agent-${agentId}`,
      hash: `${p}-key-hash`,
      sealedKey: Buffer.from("sealed"),
    },
  });
  await db.providerEvent.create({
    data: { provider: "agentmail", eventId: `${p}-svix`, kind: "message.received", agentId },
  });
  await seedSmsRows(db, p, agentId);
}

/** A number of our pool the agent holds (freed, not deleted, on erasure), a person it texted, an opt-out. */
async function seedSmsRows(db: PrismaClient, p: string, agentId: string) {
  const digits = BigInt(`0x${createHash("sha256").update(p).digest("hex").slice(0, 12)}`) % 10_000_000n;
  const number = `+1415${String(digits).padStart(7, "0")}`;
  await db.phoneNumber.create({ data: { number, telnyxId: `tn-${digits}`, agentId } });
  await db.smsContact.create({ data: { agentId, number, peer: "+12125550100" } });
  await db.smsOptOut.create({ data: { number, peer: "+12125550100", agentId } });
}
