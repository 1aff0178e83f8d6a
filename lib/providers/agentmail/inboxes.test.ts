/**
 * Agents' inboxes against the loopback AgentMail (test/fake-agentmail.ts) on a real PostgreSQL: made once
 * under a stable client_id whether two callers race or a crash came between AgentMail's answer and our
 * write; deleted there and here on retirement, a failed deletion kept for the next try; and the client's
 * calls in AgentMail's shapes (send with an attachment, list messages and threads, read one).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeAgentMail, type FakeAgentMail } from "@/test/fake-agentmail";
import { withTestDatabase } from "@/test/db";
import { getMessage, listMessages, listThreads, sendMessage } from "./client";
import { ensureInbox, agentOfInbox, inboxUsername, retireInbox, retireStoppedInboxes } from "./inboxes";

const database = withTestDatabase();
let fake: FakeAgentMail;
let agentId: string;
const settings = () => ({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, domain: "mail.test" });

beforeAll(async () => {
  fake = await startFakeAgentMail();
});
afterAll(() => fake.close());

beforeEach(async () => {
  const { db } = database();
  await db.agent.deleteMany();
  fake.inboxes.clear();
  fake.requests.length = 0;
  agentId = (
    await db.agent.create({ data: { name: "Meeting Scribe ✨", instructions: "Help.", status: "live" } })
  ).id;
});

const creations = () => fake.requests.filter((r) => r.method === "POST" && r.path === "/v0/inboxes");

describe("agent inboxes", () => {
  it("makes one inbox for two callers at once, under one client_id, and finds its agent by it", async () => {
    const [a, b] = await Promise.all([
      ensureInbox(settings(), { id: agentId, name: "Meeting Scribe ✨" }),
      ensureInbox(settings(), { id: agentId, name: "Meeting Scribe ✨" }),
    ]);
    expect(a).toEqual(b);
    expect(a.address).toMatch(/^meeting-scribe-[0-9a-f]{6}@mail\.test$/);
    expect(fake.inboxes.size).toBe(1);
    const clientIds = new Set(creations().map((r) => (r.body as { client_id: string }).client_id));
    expect(clientIds.size).toBe(1);
    expect(creations()[0].body).toMatchObject({ domain: "mail.test", display_name: "Meeting Scribe ✨" });
    expect(await agentOfInbox(a.inboxId)).toBe(agentId);
    expect(await agentOfInbox("someone@mail.test")).toBeNull();
    // Both callers asked AgentMail only if their reads of our row came before either's write: 1 or 2.
    const raced = creations().length;
    expect([1, 2]).toContain(raced);
    // Made: later calls ask AgentMail nothing.
    await ensureInbox(settings(), { id: agentId, name: "Meeting Scribe ✨" });
    expect(creations()).toHaveLength(raced);
  });

  it("gets the same inbox back after a crash between AgentMail's answer and our write", async () => {
    const { db } = database();
    const first = await ensureInbox(settings(), { id: agentId, name: "Scribe" });
    await db.agentMailInbox.update({ where: { agentId }, data: { inboxId: null, address: null } });
    const again = await ensureInbox(settings(), { id: agentId, name: "Scribe" });
    expect(again).toEqual(first);
    expect(fake.inboxes.size).toBe(1);
  });

  it("deletes the inbox there and here when retired; a failed deletion keeps the row for the next try", async () => {
    const { db } = database();
    const inbox = await ensureInbox(settings(), { id: agentId, name: "Scribe" });
    await db.agent.update({ where: { id: agentId }, data: { status: "stopped" } });
    fake.failNext(503, 3);
    expect((await retireStoppedInboxes(settings())).failures).toHaveLength(1);
    expect(await db.agentMailInbox.count()).toBe(1);
    expect(await retireStoppedInboxes(settings())).toEqual({ retired: 1, failures: [] });
    expect(fake.inboxes.has(inbox.inboxId)).toBe(false);
    expect(await db.agentMailInbox.count()).toBe(0);
    expect(await retireInbox(settings(), agentId)).toBe(false);
    // A restart gets a new client_id, so never the deleted inbox back.
    const next = await ensureInbox(settings(), { id: agentId, name: "Scribe" });
    expect(next.inboxId).not.toBe(inbox.inboxId);
  });

  it("sends, lists and reads in AgentMail's shapes", async () => {
    const inbox = await ensureInbox(settings(), { id: agentId, name: "Scribe" });
    const id = await sendMessage(settings(), inbox.inboxId, {
      to: ["bob@example.com"],
      subject: "Recap",
      text: "Decisions: none.",
      attachments: [{ filename: "invite.ics", contentType: "text/calendar", content: "BEGIN:VCALENDAR" }],
    });
    const [sent] = fake.sent();
    expect(sent).toMatchObject({ message_id: id, to: ["bob@example.com"], subject: "Recap" });
    expect(sent.attachments).toEqual([
      {
        filename: "invite.ics",
        content_type: "text/calendar",
        content: Buffer.from("BEGIN:VCALENDAR").toString("base64"),
      },
    ]);
    fake.receive(inbox.inboxId, { from: "Bob <bob@example.com>", subject: "Re: Recap", text: "Thanks!" });
    const listed = await listMessages(settings(), inbox.inboxId, 10);
    expect(listed.map((m) => m.subject)).toEqual(["Re: Recap", "Recap"]);
    expect((await listThreads(settings(), inbox.inboxId, 10))[0]).toMatchObject({ subject: "Re: Recap" });
    const read = await getMessage(settings(), inbox.inboxId, listed[0].message_id);
    expect(read).toMatchObject({ from: "Bob <bob@example.com>", text: "Thanks!" });
    expect(fake.requests.every((r) => r.authorized)).toBe(true);
  });

  it("names inboxes from the agent's name in plain ASCII", () => {
    expect(inboxUsername("Émile's Bot!!", "convos-x-0a1b2c")).toBe("emile-s-bot-0a1b2c");
    expect(inboxUsername("🦊", "convos-x-0a1b2c")).toBe("agent-0a1b2c");
  });
});
