/**
 * A poison message, with real worker processes (`workers/agents/main.ts`
 * spawned as `npm run dev` would), PostgreSQL, the local XMTP node, the
 * scripted model and a loopback search provider: a tool call that never
 * returns takes the worker down each time it starts (the test SIGKILLs the
 * worker the moment the call reaches the provider, as the event-loop watchdog
 * would after a hang). It is tried AGENT_ANSWER_ATTEMPTS times, then given up
 * once, with one notice in the conversation, and the agent answers the next
 * message normally. A tool that merely fails is no crash: the model reads its
 * error and the answer finishes at the first take.
 */
import type { ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "@/lib/llm";
import { tempDir, waitFor } from "@/test/convos";
import {
  lastUserText,
  startScriptedModelServer,
  type ScriptedModelServer,
} from "@/test/scripted-model-server";
import { ask, launchAndJoin, workerTestEnv, type WorkerTestEnv } from "@/test/worker";
import { takeWarmIdentities } from "@/test/warm-identities";
import { exited, killIfRunning, spawnTestWorker } from "@/test/worker-process";
import { texts } from "@/test/xmtp-clients";
import { gaveUpText } from "@/workers/agents/answer/answer";

const ATTEMPTS = 3;

let env: WorkerTestEnv;
let model: ScriptedModelServer;
const tmp = tempDir("agents-poison-");
const children: ChildProcess[] = [];

/** The search provider: "fail" answers a 500 at once; "hang" never answers (and counts the requests). */
let searchMode: "fail" | "hang" = "fail";
let hanging = 0;
const held = new Set<http.ServerResponse>();
const search = http.createServer((_req, res) => {
  if (searchMode === "fail") return void res.writeHead(500).end("down");
  hanging += 1;
  held.add(res);
});

beforeAll(async () => {
  env = await workerTestEnv(1);
  await takeWarmIdentities(1, env.t.db, env.dataDir); // made ahead of time by the run's bank
  model = await startScriptedModelServer();
  await new Promise<void>((resolve) => search.listen(0, "127.0.0.1", resolve));
  // A message about the weather makes the model search; after a tool round it says what it read.
  model.setDefault((r) => {
    const last = r.messages.at(-1) as ChatMessage;
    if (last.role === "tool") return { text: `read: ${last.content}` };
    if (r.tools && lastUserText(r).includes("weather"))
      return { toolCalls: [{ name: "web_search", arguments: { query: "weather" } }] };
    return { text: `echo: ${lastUserText(r)}` };
  });
});
afterAll(async () => {
  children.forEach(killIfRunning);
  for (const res of held) res.destroy();
  await new Promise<void>((resolve) => search.close(() => resolve()));
  await model.close();
  await env.cleanup();
  tmp.remove();
});

function spawnWorker(id: string): ChildProcess {
  const child = spawnTestWorker(id, env, {
    model,
    settings: {
      SEARCH_PROVIDER: "searxng",
      SEARCH_URL: `http://127.0.0.1:${(search.address() as AddressInfo).port}`,
      SEARCH_ALLOW_LOOPBACK: "1",
      AGENT_ANSWER_ATTEMPTS: String(ATTEMPTS),
    },
  });
  children.push(child);
  return child;
}

describe("a poison message", () => {
  it(`a tool call that takes the worker down is tried ${ATTEMPTS} times, then given up once with a notice`, async () => {
    let worker = spawnWorker("poison-1");
    await waitFor(
      "pool at target",
      async () => (await env.t.db.identity.count({ where: { status: "idle" } })) === 1,
      40_000,
    );
    const agent = await launchAndJoin(tmp.dir, "Weatherly", "Looks things up.");
    const ledgerRow = async (text: string) => {
      await agent.group.sync();
      const m = (await agent.group.messages()).find((x) => x.content === text)!;
      return env.t.db.handledMessage.findUniqueOrThrow({
        where: { identityId_messageId: { identityId: agent.identityId, messageId: m.id } },
      });
    };

    // A tool that fails (the provider answers 500): the model reads the error, the answer is done at once.
    expect(await ask(agent.group, agent.agentInbox, "what's the weather in Oslo?")).toEqual([
      "read: Error: the server answered 500",
    ]);
    expect(await ledgerRow("what's the weather in Oslo?")).toMatchObject({ kind: "answered", takes: 1 });

    // A tool call that never returns: each worker that runs it is killed the moment it reaches the provider.
    searchMode = "hang";
    await agent.group.sendText("and the weather in Bergen?");
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      await waitFor(`the search of attempt ${attempt}`, () => hanging === attempt, 60_000, 50);
      const exit = exited(worker);
      worker.kill("SIGKILL");
      expect(await exit).toBe("SIGKILL");
      worker = spawnWorker(`poison-${attempt + 1}`);
    }
    const notice = gaveUpText(ATTEMPTS);
    const agentSaid = async () =>
      (await texts(agent.group)).filter((m) => m.sender === agent.agentInbox).map((m) => m.text);
    await waitFor("the notice", async () => (await agentSaid()).includes(notice), 60_000);
    expect(await ledgerRow("and the weather in Bergen?")).toMatchObject({ kind: "gave_up", takes: ATTEMPTS });
    expect(
      await env.t.db.toolCall.findMany({ where: { name: "web_search", status: "failed" } }),
    ).toHaveLength(1);

    // The agent answers the next message normally; the poison is not tried again, the notice not repeated.
    expect(await ask(agent.group, agent.agentInbox, "thanks anyway", 1, 30_000)).toEqual([
      "echo: thanks anyway",
    ]);
    expect(hanging).toBe(ATTEMPTS);
    expect((await agentSaid()).filter((t) => t === notice)).toHaveLength(1);
  }, 300_000);
});
