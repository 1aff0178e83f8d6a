/**
 * The e-mail tools on an in-memory conversation, a real PostgreSQL and the loopback AgentMail
 * (test/fake-agentmail.ts): what is refused before anything leaves (an address only the agent wrote, a
 * malformed one, the hourly cap) and makes no inbox; what a failed send tells the model; and reading the
 * inbox, which makes it and publishes the agent's profile again for its `email`. The same tools through a
 * worker and the model are in workers/agents/answer/email.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { startFakeAgentMail, type FakeAgentMail } from "@/test/fake-agentmail";
import { MemoryConversation } from "@/test/memory-conversation";
import { emailInboxTool, emailTool, NO_EMAIL } from "./email";
import { LinkAllowance } from "./links";
import type { ToolContext, ToolSettings } from "./types";

const AGENT = "a".repeat(64);
const ANA = "b".repeat(64);
const database = withTestDatabase();
let fake: FakeAgentMail;
let agentId: string;

beforeAll(async () => {
  fake = await startFakeAgentMail();
});
afterAll(() => fake.close());

beforeEach(async () => {
  const { db } = database();
  await db.agent.deleteMany();
  await db.rateLimitHit.deleteMany();
  fake.inboxes.clear();
  fake.messages.length = 0;
  agentId = (
    await db.agent.create({
      data: { name: "Scribe", instructions: "Help.", status: "live", operators: [ANA] },
    })
  ).id;
});

const settings = (sendsPerHour = 20): ToolSettings => ({
  email: { apiKey: fake.apiKey, baseUrl: fake.baseUrl, domain: "mail.test", sendsPerHour },
});

function contextOf(conversation: MemoryConversation, s: ToolSettings = settings()): ToolContext {
  const current = conversation.receive(ANA, "mail the summary to sam@example.com please");
  return {
    settings: s,
    agentId,
    identityId: "identity",
    conversationId: conversation.id,
    conversation,
    ownInboxId: AGENT,
    message: { id: current.id, senderInboxId: ANA },
    resolveMessage: () => undefined,
    nameOf: (inboxId) => inboxId,
    timeZone: "UTC",
    queued: () => undefined,
    links: new LinkAllowance(),
    tx: undefined as never, // `message` and `none` tools get no transaction
  };
}

const summary = (to: string) => ({ to: [to], subject: "Summary", text: "We picked Friday." });

describe("the e-mail tools", () => {
  it("refuse before anything leaves: no provider, an address only the agent wrote, a malformed one", async () => {
    const conversation = new MemoryConversation(AGENT, [ANA]);
    const ctx = contextOf(conversation);
    conversation.receive(AGENT, "Shall I also write to eve@evil.example?");
    await expect(emailTool.run(summary("sam@example.com"), { ...ctx, settings: {} })).rejects.toThrow(
      NO_EMAIL,
    );
    await expect(emailTool.run(summary("eve@evil.example"), ctx)).rejects.toThrow(
      /not sent: nobody in this conversation has written eve@evil\.example.*"confirm email [0-9a-f]{6}"/,
    );
    await expect(emailTool.run(summary("Sam <sam@example.com>"), ctx)).rejects.toThrow(/invalid address/);
    expect(fake.requests.filter((r) => r.method === "POST")).toEqual([]);
    expect(await database().db.agentMailInbox.count()).toBe(0);
  });

  it("send at most AGENTMAIL_SENDS_PER_HOUR an hour per agent", async () => {
    const ctx = contextOf(new MemoryConversation(AGENT, [ANA]), settings(2));
    for (let i = 0; i < 2; i++)
      expect(await emailTool.run(summary("sam@example.com"), ctx)).toMatch(/^Sent from /);
    await expect(emailTool.run(summary("sam@example.com"), ctx)).rejects.toThrow(
      "not sent: at most 2 e-mails an hour; try again in 1 hour.",
    );
    expect(fake.sent()).toHaveLength(2);
  });

  it("tell the model a send AgentMail refused may not have gone, in our words, and count nothing", async () => {
    const ctx = contextOf(new MemoryConversation(AGENT, [ANA]));
    await emailInboxTool.run({ action: "messages" }, ctx); // the inbox exists: the next request is the send
    fake.failNext(500);
    const error = await emailTool.run(summary("sam@example.com"), ctx).catch((e: Error) => e);
    expect(String(error)).toBe(
      "ToolError: the e-mail service refused (HTTP 500): the mail may not have been sent; don't send it again without asking.",
    );
    expect(String(error)).not.toContain(fake.apiKey);
    expect(await database().db.providerUsage.count()).toBe(0);
  });

  it("read the inbox, made on first use and announced in the agent's profile", async () => {
    const conversation = new MemoryConversation(AGENT, [ANA]);
    const ctx = contextOf(conversation);
    expect(await emailInboxTool.run({ action: "messages" }, ctx)).toMatch(
      /^Your address: scribe-[0-9a-f]{6}@mail\.test\nNo messages yet\.$/,
    );
    expect(conversation.sent.filter((s) => s.kind === "profile")).toEqual([
      { kind: "profile", id: expect.any(String), name: "Scribe" },
    ]);
    const inbox = await database().db.agentMailInbox.findUniqueOrThrow({ where: { agentId } });
    fake.receive(inbox.inboxId!, {
      from: "Sam <sam@example.com>",
      subject: "Re: Summary",
      text: "Friday works.",
    });
    const listed = await emailInboxTool.run({ action: "messages" }, ctx);
    const id = /\[(<msg\d+@fake\.agentmail>)\]/.exec(listed)![1];
    expect(listed).toContain("from Sam <sam@example.com>");
    expect(await emailInboxTool.run({ action: "threads" }, ctx)).toContain("Re: Summary (1 messages");
    expect(await emailInboxTool.run({ action: "read", message_id: id }, ctx)).toMatch(
      /^From: Sam <sam@example\.com>\n[\s\S]*Subject: Re: Summary\n\nFriday works\.$/,
    );
    // Made once: the profile is not published again.
    expect(conversation.sent.filter((s) => s.kind === "profile")).toHaveLength(1);
  });
});
