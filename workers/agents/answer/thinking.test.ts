// The thinking session: a start only once an answer is slow, and a stop after every start, even when
// sending fails or the answer ends without a reply.
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { MemoryConversation } from "@/test/memory-conversation";
import { startThinking, THINKING_LABEL } from "./thinking";

const log = pino({ level: "silent" });
const statuses = (c: MemoryConversation) => c.sent.flatMap((s) => (s.kind === "thinking" ? [s.status] : []));

describe("startThinking", () => {
  it("shows nothing for an answer quicker than the threshold", async () => {
    const c = new MemoryConversation("agent", ["ava"]);
    const m = c.receive("ava", "hi");
    const session = startThinking(c, m, 200, log);
    await session.done("answer-id");
    await sleep(250);
    expect(statuses(c)).toEqual([]);
  });

  it("starts on a slow answer and stops with the answer's id, once", async () => {
    const c = new MemoryConversation("agent", ["ava"]);
    const m = c.receive("ava", "hi");
    const session = startThinking(c, m, 10, log);
    await sleep(50);
    await session.done("answer-id");
    await session.done("again");
    expect(statuses(c)).toEqual([
      { state: "start", targetMessageId: m.id, content: THINKING_LABEL },
      { state: "stop", targetMessageId: m.id, content: THINKING_LABEL, resultMessageId: "answer-id" },
    ]);
  });

  it("stops without a result when the answer ended without one, even after a failed start", async () => {
    const c = new MemoryConversation("agent", ["ava"]);
    const m = c.receive("ava", "hi");
    let fail = true;
    const thinking = c.thinking.bind(c);
    c.thinking = async (t) => {
      if (fail) {
        fail = false;
        throw new Error("network");
      }
      await thinking(t);
    };
    const session = startThinking(c, m, 10, log);
    await sleep(50);
    await session.done();
    expect(statuses(c)).toEqual([{ state: "stop", targetMessageId: m.id, content: THINKING_LABEL }]);
  });
});
