/**
 * Texting for an agent on a real PostgreSQL against a loopback Telnyx: the disclosure goes with the first
 * text to each person only, someone who replied STOP gets nothing more, numbers outside the US are refused
 * before anything is asked of Telnyx, the hourly rate holds, sends are counted, and the `sms` tool tells the
 * model all this in its own words (never the provider's).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { smsTool } from "@/lib/agents/tools/sms";
import { ToolError, type ToolContext } from "@/lib/agents/tools/types";
import { usageOf } from "@/lib/providers/usage";
import { startFakeTelnyx, telnyxSettingsFor, type FakeTelnyx } from "@/test/fake-telnyx";
import { withTestDatabase } from "@/test/db";
import type { TelnyxSettings } from "./settings";
import { disclosure, recordOptOut, sendText, TextRefused } from "./texts";

const database = withTestDatabase();
let fake: FakeTelnyx;
let settings: TelnyxSettings;

beforeAll(async () => {
  fake = await startFakeTelnyx();
  settings = telnyxSettingsFor(fake);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.messages.length = 0;
});

let agents = 0;
async function agentWithNumber(): Promise<{ agentId: string; agentName: string; number: string }> {
  const n = ++agents;
  const number = `+1415555${String(n).padStart(4, "0")}`;
  const agent = await database().db.agent.create({
    data: {
      name: `Host ${n}`,
      instructions: "Hosts.",
      status: "live",
      phoneNumber: { create: { number, telnyxId: `tn-${n}`, profileAssignedAt: new Date() } },
    },
  });
  return { agentId: agent.id, agentName: agent.name, number };
}

const text = (a: { agentId: string; agentName: string }, to: string, body: string) =>
  sendText(settings, { ...a, askedBy: "Priya", to, text: body });

describe("sending a text", () => {
  it("opens with the disclosure on the first text to each person, and only then", async () => {
    const a = await agentWithNumber();
    await text(a, "(212) 555-0101", "Standup starts in 10 minutes.");
    await text(a, "+1 212 555 0101", "Still on for 10?");
    await text(a, "212.555.0102", "Standup starts in 10 minutes.");

    const said = disclosure(a.agentName, "Priya");
    expect(said).toBe(
      `${a.agentName}, an AI agent, texting for Priya in a Convos group. Reply STOP to opt out, HELP for help.`,
    );
    expect(fake.messages).toEqual([
      { from: a.number, to: "+12125550101", text: `${said}\n\nStandup starts in 10 minutes.` },
      { from: a.number, to: "+12125550101", text: "Still on for 10?" },
      { from: a.number, to: "+12125550102", text: `${said}\n\nStandup starts in 10 minutes.` },
    ]);
    expect(fake.requests.map((r) => r.body?.messaging_profile_id)).toEqual([
      "profile-1",
      "profile-1",
      "profile-1",
    ]);
    expect(await usageOf(a.agentId)).toEqual([{ provider: "telnyx", sent: 3, received: 0, spentUsd: 0 }]);
  });

  it("names the asker in the disclosure as one short line, whatever their profile name holds", async () => {
    const a = await agentWithNumber();
    const askedBy = `Mallory\u202E\nReply YES to win ${"x".repeat(100)}`;
    await sendText(settings, { ...a, askedBy, to: "212-555-0601", text: "Hi" });
    const [first] = fake.messages;
    expect(first.text.split("\n\n")[0]).toBe(
      `${a.agentName}, an AI agent, texting for Mallory Reply YES to win ${"x".repeat(14)}… in a Convos group. Reply STOP to opt out, HELP for help.`,
    );
  });

  it("sends nothing to someone who replied STOP to the agent's number", async () => {
    const a = await agentWithNumber();
    await recordOptOut(a.number, "+12125550201", a.agentId);
    await expect(text(a, "212-555-0201", "Hello?")).rejects.toThrow(/replied STOP/);
    expect(fake.requests).toEqual([]);
  });

  it("records an opt-out Telnyx enforces (40300) and sends nothing more", async () => {
    const a = await agentWithNumber();
    fake.blocked.add("+12125550301");
    await expect(text(a, "212-555-0301", "Hello?")).rejects.toThrow(/replied STOP/);
    fake.blocked.clear();
    await expect(text(a, "212-555-0301", "Hello again?")).rejects.toThrow(/replied STOP/);
    expect(fake.requests).toHaveLength(1);
  });

  it("refuses numbers outside the US before asking Telnyx anything", async () => {
    const a = await agentWithNumber();
    for (const to of ["+44 20 7946 0958", "+1 416 555 0134", "12345"])
      await expect(text(a, to, "Hi")).rejects.toBeInstanceOf(TextRefused);
    expect(fake.requests).toEqual([]);
  });

  it("holds the agent to its hourly rate", async () => {
    const a = await agentWithNumber();
    const slow = { ...settings, sendsPerHour: 2 };
    const send = (to: string) => sendText(slow, { ...a, askedBy: "Leo", to, text: "Ping" });
    await send("212-555-0401");
    await send("212-555-0402");
    await expect(send("212-555-0403")).rejects.toThrow(/2 texts an hour/);
    expect(fake.messages).toHaveLength(2);
  });
});

describe("the sms tool", () => {
  it("is offered only when Telnyx is configured", () => {
    expect(smsTool.unavailable?.({})).toBe("SMS is not configured on this server");
    expect(smsTool.unavailable?.({ telnyx: settings })).toBeUndefined();
  });

  it("tells the model what happened in its own words", async () => {
    const a = await agentWithNumber();
    const ctx = {
      settings: { telnyx: settings },
      agentId: a.agentId,
      message: { id: "m1", senderInboxId: "inbox-priya" },
      nameOf: () => "Priya",
    } as unknown as ToolContext;
    expect(await smsTool.run({ to: "212-555-0501", text: "Standup now" }, ctx)).toBe(
      `Texted +12125550501 from ${a.number} (a first text: it began with the disclosure).`,
    );
    fake.blocked.add("+12125550502");
    const refused = smsTool.run({ to: "212-555-0502", text: "Standup now" }, ctx);
    await expect(refused).rejects.toBeInstanceOf(ToolError);
    await expect(refused).rejects.toThrow(/replied STOP/);
    const down = smsTool.run(
      { to: "212-555-0503", text: "x" },
      { ...ctx, settings: { telnyx: { ...settings, baseUrl: "http://127.0.0.1:9/v2" } } },
    );
    await expect(down).rejects.toThrow("Not sent: the SMS provider refused or did not answer (no answer).");
  });
});
