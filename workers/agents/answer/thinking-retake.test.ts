/**
 * A message a dead run took may show that run's thinking start with no stop, and clients keep such a
 * session open for good: the run that answers it again starts at once, however quick its answer, so its
 * own start and stop on the same message close the session. A run that died after its answer went out,
 * before it finished the message, leaves it `sending`: the next run marks it answered and sends the stop.
 */
import type { Group } from "@xmtp/node-sdk";
import { describe, expect, it } from "vitest";
import { ContentTypeThinking, isContentType, type Thinking } from "@/lib/convos/codecs";
import { waitFor } from "@/test/convos";
import { launchAndJoin, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { THINKING_LABEL } from "./thinking";

const run = withRunningWorker({
  idle: 2,
  prefix: "agents-thinking-retake",
  model: { timeoutMs: 4_000, maxRetries: 0 },
  options: { thinkingAfterMs: 30_000 },
});

/** The agent's echo of `question` in `group`, once it is there. */
const answerTo = (group: Group<unknown>, question: string) =>
  waitFor(
    "the answer",
    async () => {
      await group.sync();
      return (await group.messages()).find((m) => m.content === `echo: ${question}`);
    },
    30_000,
  );

/** The thinking statuses in `group`, once there are `count` of them. */
const thinkingStatuses = (group: Group<unknown>, count: number) =>
  waitFor("the thinking statuses", async () => {
    await group.sync();
    const all = (await group.messages())
      .filter((m) => isContentType(m.contentType, ContentTypeThinking))
      .map((m) => m.content as Thinking);
    return all.length === count ? all : null;
  });

describe("thinking on a message answered again", () => {
  it("is started at once and stopped, however quick the answer", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Echo", "You echo.");
    await run.closeAll();
    const id = await a.group.sendText("are you there?");
    // What a run killed while the model was thinking leaves behind: the message taken, never finished.
    await run.db.handledMessage.create({
      data: { identityId: a.identityId, messageId: id, kind: "answering:dead-run", takes: 1 },
    });
    await run.start();
    const answer = await answerTo(a.group, "are you there?");
    const statuses = await thinkingStatuses(a.group, 2);
    expect(statuses).toEqual([
      { state: "start", targetMessageId: id, content: THINKING_LABEL },
      { state: "stop", targetMessageId: id, content: THINKING_LABEL, resultMessageId: answer.id },
    ]);
  });

  it("is stopped with the answer a dead run sent but never finished", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Echo", "You echo.");
    const id = await a.group.sendText("still there?");
    await answerTo(a.group, "still there?");
    await run.closeAll();
    // What a run killed right after its answer reached the network leaves behind: the message marked sending.
    const key = { identityId_messageId: { identityId: a.identityId, messageId: id } };
    await run.db.handledMessage.update({ where: key, data: { kind: "sending" } });
    await run.start();
    const answer = await answerTo(a.group, "still there?");
    const statuses = await thinkingStatuses(a.group, 1);
    expect(statuses).toEqual([
      { state: "stop", targetMessageId: id, content: THINKING_LABEL, resultMessageId: answer.id },
    ]);
    expect((await run.db.handledMessage.findUnique({ where: key }))?.kind).toBe("answered");
    expect((await texts(a.group)).filter((m) => m.text === "echo: still there?")).toHaveLength(1);
  });
});
