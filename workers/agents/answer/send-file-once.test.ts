/**
 * send_file through the tool-call ledger on a real PostgreSQL, with an in-memory conversation: a round the
 * next run replays (the answer retaken after a crash) sends the file once, and a call a crash cut short
 * after it started is not sent again. The same tool on the local XMTP node, read by the official CLI, is
 * in ./send-file.test.ts.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { sendFileTool } from "@/lib/agents/tools/send-file";
import { recordToolRound, startToolCall } from "@/lib/ledger/tool-calls";
import type { ToolCallRequest } from "@/lib/llm";
import { withTestDatabase } from "@/test/db";
import { MemoryConversation } from "@/test/memory-conversation";
import { INTERRUPTED, toolSession } from "./tool-session";

const database = withTestDatabase();

const call = (id: string): ToolCallRequest => ({
  id,
  type: "function",
  function: {
    name: "send_file",
    arguments: JSON.stringify({
      kind: "event",
      title: "Standup",
      start: "2026-12-08T09:30",
      end: "2026-12-08T09:45",
    }),
  },
});

/** One run of the answer to `messageId`: a fresh session over the same ledger key, as after a restart. */
function session(agentId: string, conversation: MemoryConversation, messageId: string) {
  const message = { id: messageId, senderInboxId: "ana" };
  return toolSession({
    tools: [sendFileTool],
    key: { identityId: `${agentId}-identity`, messageId },
    context: {
      settings: { files: { publicUrl: "https://agents.example", retentionDays: 30 } },
      agentId,
      identityId: `${agentId}-identity`,
      conversationId: conversation.id,
      conversation,
      ownInboxId: "agent",
      message,
      resolveMessage: () => message,
      nameOf: (inboxId) => inboxId,
      timeZone: "Europe/Paris",
    },
    callMs: 10_000,
    peopleWrote: [],
    log: pino({ level: "silent" }),
    signal: new AbortController().signal,
  });
}

const attachments = (c: MemoryConversation) => c.sent.filter((s) => s.kind === "remote-attachment");

describe("send_file, exactly once", () => {
  it("a replayed round gives the recorded result and sends nothing more", async () => {
    const { db } = database();
    const agent = await db.agent.create({ data: { name: "Scribe", instructions: "" } });
    const conversation = new MemoryConversation("agent", ["ana"]);
    const [first] = await session(agent.id, conversation, "m1").runRound(0, 0, [call("c1")]);
    expect(first).toMatch(
      /^Sent standup\.ics \(Standup, Tue, 8 Dec 2026, 09:30 to .*09:45 \(Europe\/Paris\)\)/,
    );
    expect(attachments(conversation)).toHaveLength(1);
    // The next run after a crash replays the recorded round: the same result, no second file, no second blob.
    const [again] = await session(agent.id, conversation, "m1").runRound(0, 0, [call("c1")]);
    expect(again).toBe(first);
    expect(attachments(conversation)).toHaveLength(1);
    expect(await db.blob.count({ where: { agentId: agent.id } })).toBe(1);
  });

  it("a call a crash cut short after it started is not sent again", async () => {
    const { db } = database();
    const agent = await db.agent.create({ data: { name: "Scribe", instructions: "" } });
    const conversation = new MemoryConversation("agent", ["ana"]);
    const key = { identityId: `${agent.id}-identity`, messageId: "m2" };
    // The run that died had recorded the round and started the call (its file may be in the chat).
    await recordToolRound(key, 0, [
      { position: 0, callId: "c1", name: "send_file", arguments: call("c1").function.arguments },
    ]);
    expect(await startToolCall(key, 0)).toBe(true);
    const [result] = await session(agent.id, conversation, "m2").runRound(0, 0, [call("c1")]);
    expect(result).toBe(INTERRUPTED);
    expect(attachments(conversation)).toHaveLength(0);
    expect(await db.blob.count({ where: { agentId: agent.id } })).toBe(0);
  });

  it("bad arguments get a line for the model and send nothing", async () => {
    const { db } = database();
    const agent = await db.agent.create({ data: { name: "Scribe", instructions: "" } });
    const conversation = new MemoryConversation("agent", ["ana"]);
    const bad = (id: string, args: object): ToolCallRequest => ({
      id,
      type: "function",
      function: { name: "send_file", arguments: JSON.stringify(args) },
    });
    const results = await session(agent.id, conversation, "m3").runRound(0, 0, [
      bad("c1", { kind: "event", title: "Dinner", start: "Friday night" }),
      bad("c2", { kind: "list", list: "nope" }),
      bad("c3", { kind: "poll" }),
    ]);
    expect(results).toEqual([
      expect.stringContaining('"Friday night" is not a time'),
      expect.stringContaining('there is no list called "nope"'),
      expect.stringContaining("no poll has been asked here yet"),
    ]);
    expect(attachments(conversation)).toHaveLength(0);
    expect(await db.blob.count({ where: { agentId: agent.id } })).toBe(0);
  });
});
