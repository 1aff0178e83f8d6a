/**
 * A reminder set through the model, end to end (worker, local XMTP node,
 * PostgreSQL, the scripted model on loopback): the model calls `remind` with
 * mode "prompt"; when it falls due the agent runs a turn on the task, with its
 * tools, and posts the result in the conversation, once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, waitFor } from "@/test/convos";
import { createModelClient } from "@/lib/llm";
import {
  lastUserText,
  startScriptedModelServer,
  type ScriptedModelServer,
} from "@/test/scripted-model-server";
import { modelResponder } from "./model-responder";
import { ask, fastOptions, launchAndJoin, workerTestEnv, type WorkerTestEnv } from "../../test/worker";
import { texts } from "../../test/xmtp-clients";
import { startWorker, type RunningWorker } from "./worker";

let env: WorkerTestEnv;
let model: ScriptedModelServer;
let worker: RunningWorker;
const tmp = tempDir("agents-scheduled-");

beforeAll(async () => {
  env = await workerTestEnv(1);
  model = await startScriptedModelServer();
  const client = createModelClient({
    baseURL: model.baseURL,
    apiKey: "test",
    model: "scripted",
    maxRetries: 0,
  });
  worker = await startWorker({ ...fastOptions, responder: modelResponder(client), thinkingAfterMs: 5_000 });
  await waitFor(
    "pool at target",
    async () => (await env.t.db.identity.count({ where: { status: "idle" } })) === 1,
    60_000,
  );
});
afterAll(async () => {
  await worker.stop();
  await model.close();
  await env.cleanup();
  tmp.remove();
});

describe("a scheduled agent turn", () => {
  it("the model sets a prompt reminder; when due the agent does the task and posts the result once", async () => {
    const room = await launchAndJoin(tmp.dir, "Host", "Runs the standup.");
    const at = new Date(Date.now() + 3_000).toISOString();
    model.script(
      { toolCalls: [{ name: "remind", arguments: { at, text: "summarise the answers", mode: "prompt" } }] },
      { text: "Will do." },
    );
    expect(await ask(room.group, room.agentInbox, "summarise our answers in a moment")).toEqual(["Will do."]);
    const offered = model.requests.at(-2)?.tools?.map((t) => t.function.name) ?? [];
    expect(offered).toEqual(
      expect.arrayContaining(["remind", "schedule", "reminders_list", "reminder_cancel"]),
    );
    expect(offered).not.toContain("web_search"); // no provider configured

    // When it falls due, the turn's prompt carries the task; the default script echoes it back.
    const posted = await waitFor(
      "the scheduled turn's answer",
      async () =>
        (await texts(room.group)).find(
          (m) => m.sender === room.agentInbox && m.text.includes("summarise the answers"),
        )?.text,
      30_000,
    );
    expect(posted).toMatch(
      /^echo: \(A scheduled task .* is due now\. Do it and post the result: summarise the answers\)$/,
    );
    const turn = model.requests.find((r) => lastUserText(r).includes("A scheduled task"));
    expect(turn?.tools?.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2_000));
    const again = (await texts(room.group)).filter((m) => m.text.includes("A scheduled task"));
    expect(again).toHaveLength(1);
    expect(await env.t.db.scheduleFiring.findMany({ select: { status: true } })).toEqual([
      { status: "sent" },
    ]);
  });
});
