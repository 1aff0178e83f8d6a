/**
 * Everything we hold about one agent, for its owner to download as JSON
 * (GET /api/agents/[id]/export). It walks the same rows lib/privacy/erase.ts
 * deletes, leaving out only secrets: the identities' encrypted keys, the
 * operator code, the agent's OpenRouter key (the export says it has one,
 * never the key), and workers' lease bookkeeping.
 */
import { db } from "@/lib/db";
import { sentFilesOf } from "@/lib/files/blobs";
import { SUMMARY_MAX_CHARS } from "@/lib/memory/summary";

/** Said in every export: what the agent reads is never written down, only the model's summary of it. */
export const MESSAGE_TEXTS_NOTICE =
  "Messages themselves are never stored in our database. The agent reads each message of its end-to-end " +
  "encrypted conversations and records only its id, so that it answers it once. Its XMTP client keeps the " +
  "conversation in a local database encrypted with a key that is wiped when the agent stops. In a long " +
  "conversation the language model writes a summary of the messages the agent no longer sees (summaries: " +
  `at most ${SUMMARY_MAX_CHARS.toLocaleString("en")} characters per conversation, which may quote them), ` +
  "kept until it is cleared or the agent " +
  "leaves the conversation. The other texts in this export are the ones the agent itself kept: memories, " +
  "lists, polls, schedules, and the arguments and results of its tool calls.";

/** Export format version, bumped when a field changes meaning. */
export const EXPORT_VERSION = 1;

const AGENT_FIELDS = {
  id: true,
  name: true,
  instructions: true,
  status: true,
  source: true,
  stopReason: true,
  failureReason: true,
  dmPolicy: true,
  allowlist: true,
  operators: true,
  operatorNames: true,
  tokenCap: true,
  tokensUsed: true,
  budgetNoticeAt: true,
  messagesIn: true,
  messagesOut: true,
  timeZone: true,
  greeting: true,
  joinUrl: true,
  claimedAt: true,
  liveAt: true,
  stoppedAt: true,
  createdAt: true,
  template: { select: { slug: true, name: true } },
} as const;

const CONVERSATION_FIELDS = {
  id: true,
  conversationId: true,
  inboxId: true,
  address: true,
  role: true,
  status: true,
  isOwnerConversation: true,
  conversationName: true,
  memberCount: true,
  inviteUrl: true,
  inviteExpiresAt: true,
  lockedAt: true,
  claimedAt: true,
  createdAt: true,
} as const;

const EVENT_FIELDS = {
  id: true,
  kind: true,
  identityId: true,
  latencyMs: true,
  error: true,
  data: true,
  createdAt: true,
} as const;

/** That the agent has its own model key, and since when: never the key nor its hash. */
const MODEL_KEY_FIELDS = { name: true, createdAt: true } as const;

const USAGE_FIELDS = {
  provider: true,
  sent: true,
  received: true,
  spentMicros: true,
  updatedAt: true,
} as const;

/** The owner's agent and every row about it, or null when it is not theirs. */
export async function agentExport(agentId: string, ownerId: string) {
  const agent = await db.agent.findFirst({ where: { id: agentId, ownerId }, select: AGENT_FIELDS });
  if (!agent) return null;
  const conversations = await db.identity.findMany({
    where: { agentId },
    select: CONVERSATION_FIELDS,
    orderBy: { createdAt: "asc" },
  });
  const identityIds = conversations.map((c) => c.id);
  const byIdentity = { identityId: { in: identityIds } };
  const schedules = await db.schedule.findMany({ where: { agentId }, orderBy: { createdAt: "asc" } });
  return {
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    notice: MESSAGE_TEXTS_NOTICE,
    agent,
    conversations,
    memories: await db.memory.findMany({ where: { agentId }, orderBy: { createdAt: "asc" } }),
    /** The model's summary of each conversation's earlier messages (lib/memory/summary.ts); "" once cleared. */
    summaries: await db.conversationSummary.findMany({ where: { agentId }, orderBy: { createdAt: "asc" } }),
    lists: await db.sharedList.findMany({
      where: { agentId },
      include: { items: { orderBy: { createdAt: "asc" } } },
      orderBy: { createdAt: "asc" },
    }),
    polls: await db.poll.findMany({
      where: { agentId },
      include: { votes: true },
      orderBy: { createdAt: "asc" },
    }),
    schedules,
    /** Tokens and their cost (micro-dollars, where the model has a price) per UTC day. */
    usageDays: await db.tokenUsageDay.findMany({ where: { agentId }, orderBy: { day: "asc" } }),
    scheduleFirings: await db.scheduleFiring.findMany({
      where: { scheduleId: { in: schedules.map((s) => s.id) } },
      orderBy: { dueAt: "asc" },
    }),
    toolCalls: await db.toolCall.findMany({ where: byIdentity, orderBy: { createdAt: "asc" } }),
    handledMessageIds: await db.handledMessage.findMany({
      where: byIdentity,
      select: { identityId: true, messageId: true, kind: true, handledAt: true },
      orderBy: { handledAt: "asc" },
    }),
    pairingRequests: await db.pairingRequest.findMany({
      where: { agentId },
      select: { inboxId: true, approvedAt: true, createdAt: true },
    }),
    inviteRequests: await db.inviteRequest.findMany({ where: { agentId }, orderBy: { createdAt: "asc" } }),
    sentFiles: await sentFilesOf(agentId), // ids, sizes and expiry of the files it sent, never their bytes
    modelKey: await db.agentModelKey.findUnique({ where: { agentId }, select: MODEL_KEY_FIELDS }),
    providerUsage: await db.providerUsage.findMany({ where: { agentId }, select: USAGE_FIELDS }),
    mailInbox: await db.agentMailInbox.findUnique({
      where: { agentId },
      select: { address: true, createdAt: true },
    }),
    /** Its phone number, whom it has texted, and who replied STOP to it (lib/providers/telnyx). */
    sms: {
      number: await db.phoneNumber.findUnique({
        where: { agentId },
        select: { number: true, claimedAt: true },
      }),
      contacts: await db.smsContact.findMany({ where: { agentId }, orderBy: { disclosedAt: "asc" } }),
      optOuts: await db.smsOptOut.findMany({ where: { agentId }, orderBy: { createdAt: "asc" } }),
    },
    events: await db.event.findMany({
      where: { OR: [{ agentId }, byIdentity] },
      select: EVENT_FIELDS,
      orderBy: { id: "asc" },
    }),
  };
}

export type AgentExport = NonNullable<Awaited<ReturnType<typeof agentExport>>>;

/** The export as a JSON document (64-bit ids and nanosecond times become strings). */
export function exportJson(data: AgentExport): string {
  return JSON.stringify(
    data,
    (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
    2,
  );
}
