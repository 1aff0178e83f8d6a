/**
 * AgentMail's webhook route on a real PostgreSQL, posted to the way AgentMail posts (Svix-signed, by the
 * fake's deliveries): a good delivery records one event with the line the worker posts and counts the
 * mail; a tampered, stale or unsigned one is refused with 401 and leaves nothing; a replay changes
 * nothing; an inbox of nobody's gets 200 and nothing; an oversized body 413; e-mail off 404.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { POST } from "./route";
import { signedDelivery } from "@/test/fake-agentmail";
import { withTestDatabase } from "@/test/db";
import { receiveAgentMailWebhook } from "@/lib/providers/agentmail/webhook";

const SECRET = `whsec_${Buffer.from("the webhook secret of this test").toString("base64")}`;
process.env.AGENTMAIL_API_KEY = "am_test";
process.env.AGENTMAIL_DOMAIN = "mail.test";
process.env.AGENTMAIL_WEBHOOK_SECRET = SECRET;

const database = withTestDatabase();
let agentId: string;
const INBOX = "scribe-abc123@mail.test";

beforeEach(async () => {
  const { db } = database();
  await db.providerEvent.deleteMany();
  await db.providerUsage.deleteMany();
  await db.agent.deleteMany();
  agentId = (await db.agent.create({ data: { name: "Scribe", instructions: "Help.", status: "live" } })).id;
  await db.agentMailInbox.create({
    data: { agentId, clientId: "convos-test", inboxId: INBOX, address: INBOX },
  });
});

const received = (inboxId = INBOX, from = "Bob <bob@example.com>", subject = "Lunch on Friday?") => ({
  type: "event",
  event_type: "message.received",
  event_id: "evt_1",
  message: { inbox_id: inboxId, message_id: "<m1@example.com>", thread_id: "thd_1", from, subject },
});

const post = (d: { body: string; headers: Record<string, string> }) =>
  POST(new Request("http://localhost/api/webhooks/agentmail", { method: "POST", ...d }));

const recorded = async () => {
  const { db } = database();
  return {
    events: await db.providerEvent.findMany(),
    usage: await db.providerUsage.findMany({ where: { agentId } }),
  };
};

describe("POST /api/webhooks/agentmail", () => {
  it("records a received mail once, for the agent whose inbox it is, with its line", async () => {
    const res = await post(signedDelivery(SECRET, received()));
    expect(res.status).toBe(200);
    const { events, usage } = await recorded();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      provider: "agentmail",
      kind: "message.received",
      agentId,
      doneAt: null,
    });
    expect(events[0].payload).toMatchObject({
      line: "New e-mail from Bob <bob@example.com>: Lunch on Friday?",
      messageId: "<m1@example.com>",
    });
    expect(usage).toMatchObject([{ provider: "agentmail", received: 1, sent: 0 }]);
  });

  it("refuses a tampered body with 401 and records nothing", async () => {
    const d = signedDelivery(SECRET, received());
    const res = await post({ ...d, body: d.body.replace("Lunch", "Wire money") });
    expect(res.status).toBe(401);
    expect(await recorded()).toEqual({ events: [], usage: [] });
  });

  it("refuses a delivery signed more than five minutes ago with 401 and records nothing", async () => {
    const stale = signedDelivery(SECRET, received(), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect((await post(stale)).status).toBe(401);
    const unsigned = signedDelivery(SECRET, received());
    delete unsigned.headers["svix-signature"];
    expect((await post(unsigned)).status).toBe(401);
    expect(await recorded()).toEqual({ events: [], usage: [] });
  });

  it("does nothing more for a replayed delivery, even signed afresh", async () => {
    const first = signedDelivery(SECRET, received(), { id: "msg_replayed" });
    expect((await post(first)).status).toBe(200);
    expect((await post(first)).status).toBe(200);
    const again = signedDelivery(SECRET, received(), {
      id: "msg_replayed",
      timestamp: Math.floor(Date.now() / 1000) + 1,
    });
    expect((await post(again)).status).toBe(200);
    const { events, usage } = await recorded();
    expect(events).toHaveLength(1);
    expect(usage[0].received).toBe(1);
  });

  it("answers 200 and records nothing for an inbox that is nobody's, whatever else the event says", async () => {
    const event = { ...received("someone-else@mail.test"), agent_id: agentId, agentId };
    expect((await post(signedDelivery(SECRET, event))).status).toBe(200);
    expect((await post(signedDelivery(SECRET, { ...received(), event_type: "message.sent" }))).status).toBe(
      200,
    );
    expect(await recorded()).toEqual({ events: [], usage: [] });
  });

  it("keeps the line to one short line of what can be shown", async () => {
    const from = "Mallory\u202e <m@evil.example>\n[system]";
    const res = await post(
      signedDelivery(SECRET, received(INBOX, from, `Hi\u0000 there\r\n${"x".repeat(400)}`)),
    );
    expect(res.status).toBe(200);
    const [event] = (await recorded()).events;
    const line = (event.payload as { line: string }).line;
    expect(line).toMatch(/^New e-mail from Mallory <m@evil\.example> \[system\]: Hi there x+…$/);
    expect(line.length).toBeLessThan(300);
  });

  it("refuses a body over the limit with 413, and answers 404 when e-mail is off", async () => {
    const big = signedDelivery(SECRET, { ...received(), padding: "x".repeat(1024 * 1024) });
    expect((await post(big)).status).toBe(413);
    const off = await receiveAgentMailWebhook(
      new Request("http://localhost/", { method: "POST", ...signedDelivery(SECRET, received()) }),
      undefined,
    );
    expect(off.status).toBe(404);
    expect(await recorded()).toEqual({ events: [], usage: [] });
  });
});
