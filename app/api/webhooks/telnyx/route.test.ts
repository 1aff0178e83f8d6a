/**
 * POST /api/webhooks/telnyx on a real PostgreSQL, posted to the way Telnyx does it (Ed25519 over
 * `timestamp|body`): a good delivery is queued once for the agent holding the receiving number, and a
 * tampered, stale, replayed or outbound one, or one to a number that isn't ours, leaves nothing behind.
 * STOP takes effect before the answer; HELP is answered with the help line, by text, after it.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usageOf } from "@/lib/providers/usage";
import {
  inboundText,
  startFakeTelnyx,
  TelnyxSigner,
  telnyxSettingsFor,
  type FakeTelnyx,
} from "@/test/fake-telnyx";
import { withTestDatabase } from "@/test/db";
import { waitFor } from "@/test/wait-for";

const database = withTestDatabase();
const signer = new TelnyxSigner();
let fake: FakeTelnyx;
let POST: (request: Request) => Promise<Response>;
let sendText: typeof import("@/lib/providers/telnyx/texts").sendText;
let webhook: typeof import("@/lib/providers/telnyx/webhook");

beforeAll(async () => {
  fake = await startFakeTelnyx();
  vi.stubEnv("TELNYX_API_KEY", "telnyx-test-key");
  vi.stubEnv("TELNYX_MESSAGING_PROFILE_ID", "profile-1");
  vi.stubEnv("TELNYX_WEBHOOK_PUBLIC_KEY", signer.publicKey);
  vi.stubEnv("TELNYX_BASE_URL", fake.baseUrl);
  vi.resetModules(); // lib/config parses the environment once per module instance
  ({ POST } = await import("./route"));
  ({ sendText } = await import("@/lib/providers/telnyx/texts"));
  webhook = await import("@/lib/providers/telnyx/webhook");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
});
beforeEach(() => {
  fake.messages.length = 0;
});

const deliver = (body: string, headers: Record<string, string> = signer.headers(body)) =>
  POST(new Request("http://localhost:3000/api/webhooks/telnyx", { method: "POST", body, headers }));

let agents = 0;
async function agentWithNumber() {
  const n = ++agents;
  const number = `+1646555${String(n).padStart(4, "0")}`;
  const agent = await database().db.agent.create({
    data: {
      name: `Standup ${n}`,
      instructions: "Hosts.",
      status: "live",
      phoneNumber: { create: { number, telnyxId: `tn-${n}`, profileAssignedAt: new Date() } },
    },
  });
  return { agentId: agent.id, agentName: agent.name, number };
}

const events = () => database().db.providerEvent.findMany({ where: { provider: "telnyx" } });
const eventsOf = (agentId: string) => database().db.providerEvent.findMany({ where: { agentId } });

describe("a signed delivery", () => {
  it("is queued once for the agent holding the receiving number, with its line", async () => {
    const a = await agentWithNumber();
    const b = await agentWithNumber();
    const id = randomUUID();
    const body = inboundText("+12125550101", b.number, "Running late\u202E, start without me", id);

    const response = await deliver(body);

    expect(response.status).toBe(200);
    const [event] = await eventsOf(b.agentId);
    expect(event).toMatchObject({ eventId: id, kind: "message.received", doneAt: null });
    expect(event.payload).toMatchObject({
      line: "New text from +12125550101: Running late , start without me",
      from: "+12125550101",
      to: b.number,
    });
    expect(await eventsOf(a.agentId)).toEqual([]);
    expect(await usageOf(b.agentId)).toEqual([{ provider: "telnyx", sent: 0, received: 1, spentUsd: 0 }]);
  });

  it("replayed, is recorded and counted once", async () => {
    const a = await agentWithNumber();
    const body = inboundText("+12125550102", a.number, "Hi");
    const headers = signer.headers(body);
    expect((await deliver(body, headers)).status).toBe(200);
    expect((await deliver(body, headers)).status).toBe(200);
    expect(await eventsOf(a.agentId)).toHaveLength(1);
    expect((await usageOf(a.agentId))[0].received).toBe(1);
  });

  it("to a number that isn't ours gets 200 and nothing", async () => {
    const before = (await events()).length;
    const response = await deliver(inboundText("+12125550103", "+16465559999", "Hi"));
    expect(response.status).toBe(200);
    expect(await events()).toHaveLength(before);
  });

  it("of an outbound message (sent, finalized) is skipped, even between two of our numbers", async () => {
    const a = await agentWithNumber();
    const b = await agentWithNumber();
    // a texted b's number: Telnyx reports a's text going out, addressed to a number of ours.
    for (const type of ["message.sent", "message.finalized"]) {
      const body = JSON.parse(inboundText(a.number, b.number, "Standup now")) as {
        data: { event_type: string; payload: { direction: string } };
      };
      body.data.event_type = type;
      body.data.payload.direction = "outbound";
      expect((await deliver(JSON.stringify(body))).status).toBe(200);
    }
    const received = JSON.parse(inboundText(a.number, b.number, "x")) as { data: { payload: object } };
    received.data.payload = { ...received.data.payload, direction: "outbound" };
    expect((await deliver(JSON.stringify(received))).status).toBe(200);
    expect(await eventsOf(b.agentId)).toEqual([]);
    expect(await eventsOf(a.agentId)).toEqual([]);
  });
});

describe("a delivery that isn't Telnyx's", () => {
  it("tampered after signing is refused, and nothing is recorded", async () => {
    const a = await agentWithNumber();
    const body = inboundText("+12125550201", a.number, "Meet at 10");
    const response = await deliver(body.replace("Meet at 10", "Meet at 11"), signer.headers(body));
    expect(response.status).toBe(401);
    expect(await eventsOf(a.agentId)).toEqual([]);
  });

  it("signed by another key is refused", async () => {
    const a = await agentWithNumber();
    const body = inboundText("+12125550202", a.number, "Hi");
    expect((await deliver(body, new TelnyxSigner().headers(body))).status).toBe(401);
    expect(await eventsOf(a.agentId)).toEqual([]);
  });

  it("stale (signed over 300 s ago) is refused, and nothing is recorded", async () => {
    const a = await agentWithNumber();
    const body = inboundText("+12125550203", a.number, "Hi");
    const response = await deliver(body, signer.headers(body, Math.floor(Date.now() / 1000) - 301));
    expect(response.status).toBe(401);
    expect(await eventsOf(a.agentId)).toEqual([]);
  });

  it("unsigned is refused", async () => {
    const a = await agentWithNumber();
    const response = await deliver(inboundText("+12125550204", a.number, "Hi"), {});
    expect(response.status).toBe(401);
  });
});

describe("the carriers' keywords", () => {
  it("STOP is an opt-out before the answer: the agent can't text that person again; START lifts it", async () => {
    const a = await agentWithNumber();
    expect((await deliver(inboundText("+12125550301", a.number, "Stop"))).status).toBe(200);
    const [event] = await eventsOf(a.agentId);
    expect(event.payload).toMatchObject({ keyword: "stop" });
    const send = () =>
      sendText(fakeSettings(), { ...a, askedBy: "Priya", to: "+12125550301", text: "Hello?" });
    await expect(send()).rejects.toThrow(/replied STOP/);
    expect(fake.messages).toEqual([]);

    await deliver(inboundText("+12125550301", a.number, "START"));
    await send();
    expect(fake.messages).toHaveLength(1);
  });

  it("HELP is answered with the help line from the agent's number", async () => {
    const a = await agentWithNumber();
    expect((await deliver(inboundText("+12125550302", a.number, "help"))).status).toBe(200);
    const reply = await waitFor("the help reply", () => fake.messages[0]);
    expect(reply).toMatchObject({ from: a.number, to: "+12125550302" });
    expect(reply.text).toContain(`${a.agentName} is an AI agent`);
    expect(reply.text).toContain("Reply STOP to opt out");
  });
});

describe("a sender who won't stop", () => {
  it("reaches the conversation INBOUND_PER_HOUR times an hour, is still answered 200, and others get through", async () => {
    const a = await agentWithNumber();
    const { INBOUND_PER_HOUR } = webhook;
    for (let i = 0; i <= INBOUND_PER_HOUR; i++) {
      const response = await deliver(inboundText("+12125550401", a.number, `ping ${i}`));
      expect(response.status).toBe(200);
    }
    expect(await eventsOf(a.agentId)).toHaveLength(INBOUND_PER_HOUR);
    // The one past the rate is kept for nobody, only so a replay of it does nothing: no number, no text.
    const dropped = await database().db.providerEvent.findMany({
      where: { provider: "telnyx", agentId: null },
    });
    expect(dropped.map((e) => e.payload)).toEqual([{}]);
    await deliver(inboundText("+12125550402", a.number, "Hi"));
    expect(await eventsOf(a.agentId)).toHaveLength(INBOUND_PER_HOUR + 1);
  });

  it("gets the help line HELP_REPLIES_PER_DAY times a day, however often they ask", async () => {
    const a = await agentWithNumber();
    const { HELP_REPLIES_PER_DAY, receiveTelnyxWebhook } = webhook;
    const after: Promise<void>[] = [];
    for (let i = 0; i < HELP_REPLIES_PER_DAY + 2; i++) {
      const body = inboundText("+12125550403", a.number, "HELP");
      const request = new Request("http://localhost:3000/api/webhooks/telnyx", {
        method: "POST",
        body,
        headers: signer.headers(body),
      });
      const settings = {
        publicKey: signer.publicKey,
        telnyx: fakeSettings(),
        publicUrl: "http://localhost:3000",
      };
      const response = await receiveTelnyxWebhook(request, {
        ...settings,
        later: (work) => after.push(work),
      });
      expect(response.status).toBe(200);
    }
    await Promise.all(after);
    expect(fake.messages.filter((m) => m.to === "+12125550403")).toHaveLength(HELP_REPLIES_PER_DAY);
  });
});

const fakeSettings = () => telnyxSettingsFor(fake);
