/**
 * The export's shape on a real PostgreSQL: every kind of row we hold about an agent is in it, secrets
 * are not, it says that messages are never stored but summarised, and nobody else's agent can be exported.
 */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { agentExport, exportJson, MESSAGE_TEXTS_NOTICE } from "./export";
import { seedUserWithAgent } from "@/test/privacy-seed";

const database = withTestDatabase();

describe("agentExport", () => {
  it("holds the agent, its conversations' ids, memories, lists, polls, schedules, tool calls and events", async () => {
    const { db } = database();
    const owner = await seedUserWithAgent(db, "exp1", true);
    const data = await agentExport(owner.agentId, owner.userId);
    if (!data) throw new Error("no export");
    const parsed = JSON.parse(exportJson(data)) as Record<string, unknown>;

    expect(Object.keys(parsed)).toEqual([
      "version",
      "exportedAt",
      "notice",
      "agent",
      "conversations",
      "memories",
      "summaries",
      "lists",
      "polls",
      "schedules",
      "usageDays",
      "scheduleFirings",
      "toolCalls",
      "handledMessageIds",
      "pairingRequests",
      "inviteRequests",
      "sentFiles",
      "modelKey",
      "providerUsage",
      "mailInbox",
      "sms",
      "events",
    ]);
    expect(parsed.notice).toBe(MESSAGE_TEXTS_NOTICE);
    expect(parsed.notice).toMatch(/^Messages themselves are never stored in our database\./);
    expect(parsed.notice).toContain("the language model writes a summary of the messages");
    expect(parsed).toMatchObject({
      agent: { id: owner.agentId, name: "exp1 Planner", status: "live" },
      conversations: [{ id: owner.identityId, conversationId: "exp1-conversation", inboxId: "exp1-inbox" }],
      memories: [{ conversationId: "exp1-conversation", text: "Sam is vegetarian" }],
      summaries: [{ conversationId: "exp1-conversation", text: "exp1 trip in March", coveredUntilNs: "5" }],
      lists: [{ name: "shopping", items: [{ text: "exp1 bread" }] }],
      polls: [{ question: "Where to?", votes: [{ voter: "exp1-voter", option: 1, sentAtNs: "1" }] }],
      schedules: [{ text: "Pack the bags" }],
      usageDays: [{ tokens: 10, costMicros: "6" }],
      scheduleFirings: [{ status: "sent" }],
      toolCalls: [{ name: "add_to_list", arguments: '{"item":"bread"}', result: "added" }],
      handledMessageIds: [{ messageId: "exp1-m1" }],
      pairingRequests: [{ inboxId: "exp1-stranger" }],
      inviteRequests: [{ action: "lock" }],
      mailInbox: { address: "exp1@mail.test" },
      sentFiles: [{ id: "exp1-blob".padEnd(32, "0"), size: 14 }],
      modelKey: { name: `convos-agent-${owner.agentId}` },
      providerUsage: [{ provider: "agentmail", sent: 1 }],
      sms: { contacts: [{ peer: "+12125550100" }], optOuts: [{ peer: "+12125550100" }] },
    });
    // Both the agent's events and those naming only its identity, with 64-bit ids as strings.
    expect((parsed.events as { kind: string; id: string }[]).map((e) => e.kind)).toEqual([
      "claim",
      "failure",
    ]);
    expect(typeof (parsed.events as { id: unknown }[])[0].id).toBe("string");

    // Secrets stay out: the identities' keys, the operator code, the pairing codes.
    const text = exportJson(data);
    expect(text).not.toContain("exp1-wallet-key");
    expect(text).not.toContain("encryptedWalletKey");
    expect(text).not.toContain("encryptedDbKey");
    expect(text).not.toContain("operatorCode");
    expect(text).not.toContain("ABC123");
    expect(text).not.toContain("ciphertext"); // a sent file's stored bytes
    // The agent has a model key: its name says so, never the key (sealed) nor its hash.
    expect(text).not.toContain("sealedKey");
    expect(text).not.toContain("exp1-key-hash");
  });

  it("exports nothing of someone else's agent", async () => {
    const { db } = database();
    const owner = await seedUserWithAgent(db, "exp2");
    const other = await db.user.create({ data: { email: "other@example.test" } });
    expect(await agentExport(owner.agentId, other.id)).toBeNull();
  });
});
