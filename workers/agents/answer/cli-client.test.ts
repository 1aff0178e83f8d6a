/**
 * What the official Convos CLI (`@xmtp/convos-cli`, its own home directory, the local node) sees when it
 * asks an agent something slow: the agent's thinking start on its question and the stop naming the
 * answer, decoded by the CLI's own codec, and the agent's read receipt in `last-read-times`. The CLI
 * joins as an agent (its profile's member kind), so it names the agent, as any agent must to be answered
 * (runtime/agent-loop.ts).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { waitFor } from "@/test/convos";
import { cliJoin, convos } from "@/test/convos-cli";
import { launchAndJoin, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { THINKING_LABEL } from "./thinking";

const run = withRunningWorker({
  idle: 1,
  prefix: "agents-cli-client",
  model: { timeoutMs: 10_000, maxRetries: 0 },
  options: { thinkingAfterMs: 300 },
});

interface CliMessage {
  id: string;
  senderInboxId: string;
  contentType: { authorityId: string; typeId: string };
  content: string;
  sentAt: string;
}

describe("the official CLI as the member", () => {
  it("sees thinking on its question, stopped with the answer, and the agent's read receipt", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Sage", "You answer slowly.");
    await run.db.agent.update({ where: { id: a.agentId }, data: { dmPolicy: "open" } });
    const home = path.join(run.tmp.dir, "cli-home");
    const joined = await cliJoin(a.inviteUrl, home, 60);
    expect(joined.status, joined.output).toBe("joined");

    run.model.script({ text: "Because it is.", delayMs: 1_500 });
    const asked = await convos<{ messageId?: string; id?: string }>(
      home,
      "conversation",
      "send-text",
      a.group.id,
      "-t",
      "Sage, why?",
    );
    const questionId = asked.messageId ?? asked.id ?? "";
    await waitFor("the answer", async () =>
      (await texts(a.group)).some((m) => m.sender === a.agentInbox && m.text === "Because it is."),
    );

    const statuses = await waitFor("the thinking stop, as the CLI reads it", async () => {
      const all = await convos<CliMessage[]>(home, "conversation", "messages", a.group.id, "--sync");
      const thinking = all
        .filter((m) => m.senderInboxId === a.agentInbox && m.contentType.typeId === "thinking")
        .reverse(); // the CLI lists newest first
      return thinking.length === 2 ? { all, thinking } : null;
    });
    const answer = statuses.all.find((m) => m.content === "Because it is.")!;
    expect(statuses.thinking.map((m) => [m.contentType.authorityId, JSON.parse(m.content)])).toEqual([
      ["convos.org", { state: "start", targetMessageId: questionId, content: THINKING_LABEL }],
      [
        "convos.org",
        { state: "stop", targetMessageId: questionId, content: THINKING_LABEL, resultMessageId: answer.id },
      ],
    ]);

    const question = statuses.all.find((m) => m.id === questionId)!;
    const { readTimes } = await convos<{ readTimes: Record<string, number | string> }>(
      home,
      "conversation",
      "last-read-times",
      a.group.id,
      "--sync",
    );
    expect(readTimes[a.agentInbox]).toBeDefined();
    expect(Number(readTimes[a.agentInbox]) / 1e6).toBeGreaterThanOrEqual(
      new Date(question.sentAt).getTime() - 1,
    );
  });
});
