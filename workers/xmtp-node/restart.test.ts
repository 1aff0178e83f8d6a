/**
 * Acceptance 8 (docs/local-xmtp-node.md §9): the node restarts from its persisted state while
 * clients keep their databases.
 *
 * This file owns its node, on an ephemeral port, so that stopping it never
 * disturbs the shared node on 5556 that other test files use. Its clients get the
 * node's `apiUrl`; the file also points `ApiUrls.local` (what lib/xmtp uses when no
 * `apiUrl` is given) at its own node with `pointLocalEnvAt`, so nothing reaches 5556 (vitest runs
 * each test file in its own process, and the original is restored at the end).
 */
import path from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { startResilientStream, streamOptions } from "@/lib/xmtp/index.ts";
import { nodeOfThisFile } from "./test-node.ts";
import { identifierOf, newUser, tempDir, texts, waitFor } from "@/test/xmtp-clients.ts";

const tmp = tempDir("xmtp-restart-");
const quiet = pino({ level: "warn" });
const own = nodeOfThisFile(tmp, { dataDir: path.join(tmp.dir, "node"), log: quiet });

async function restartNode(): Promise<void> {
  await own.stop();
  await own.start();
}

/**
 * A and B share a group and B streams all messages; the node restarts; A (created
 * before the restart) sends m2 while B's stream is still down, a new client C
 * joins, A sends m3 live. Returns what B's stream emitted and what B has stored.
 */
async function restartScenario(disableSync: boolean) {
  const a = await newUser(tmp.dir, { apiUrl: own.node.url });
  const b = await newUser(tmp.dir, { apiUrl: own.node.url });
  const events: string[] = [];
  const streamed: string[] = [];
  const stream = await b.client.conversations.streamAllMessages(
    streamOptions({
      disableSync,
      onFail: () => events.push("fail"),
      onRetry: () => events.push("retry"),
      onRestart: () => events.push("restart"),
      onValue: (m: { content: unknown }) => {
        if (typeof m.content === "string") streamed.push(m.content);
      },
    }),
  );
  try {
    const group = await a.client.conversations.createGroup([b.client.inboxId]);
    await group.sendText("m1");
    await waitFor("m1 on B's stream", () => streamed.includes("m1"));

    await own.node.stop();
    await waitFor("B's stream to notice the node is gone", () => events.includes("fail"));
    await restartNode();
    await group.sendText("m2"); // B's stream is down until its 300 ms retry delay passes
    await waitFor("B's stream to restart", () => events.includes("restart"));

    const c = await newUser(tmp.dir, { apiUrl: own.node.url });
    expect((await a.client.canMessage([identifierOf(c)])).get(c.address)).toBe(true);
    await group.addMembers([c.client.inboxId]);
    await group.sendText("m3");
    await waitFor("m3 on B's stream", () => streamed.includes("m3"));
    const streamedBeforeBSends = [...streamed]; // the stream also emits B's own messages

    await c.client.conversations.sync();
    const cGroup = await c.client.conversations.getConversationById(group.id);
    await cGroup!.sync();
    expect((await texts(cGroup!, { sync: false })).map((m) => m.text)).toEqual(["m3"]);

    // B, also created before the restart, can still send.
    const bGroup = await b.client.conversations.getConversationById(group.id);
    await bGroup!.sendText("from B");
    await group.sync();
    expect((await texts(group, { sync: false })).map((m) => m.text)).toEqual(["m1", "m2", "m3", "from B"]);
    return {
      streamed: streamedBeforeBSends,
      stored: (await texts(bGroup!, { sync: false })).map((m) => m.text),
      events,
    };
  } finally {
    await stream.end();
  }
}

describe("node restart from persisted state, clients keep their databases", () => {
  it("with disableSync, B's stream delivers every message exactly once, including one sent while it was down", async () => {
    const { streamed, stored, events } = await restartScenario(true);
    expect(events.slice(0, 3)).toEqual(["fail", "retry", "restart"]);
    // m2 comes through the node's replay from B's cursor: no gap, no duplicate.
    expect(streamed).toEqual(["m1", "m2", "m3"]);
    expect(stored).toEqual(["m1", "m2", "m3", "from B"]);
  });

  it("with the SDK default, the stream recovers and the missed message lands in B's database by the restart's sync", async () => {
    const { streamed, stored } = await restartScenario(false);
    // node-sdk runs syncAll() before (re)starting the stream, so m2 is fetched
    // by that sync and not emitted again; nothing is emitted twice or lost.
    expect(streamed).toEqual(["m1", "m3"]);
    expect(stored).toEqual(["m1", "m2", "m3", "from B"]);
  });
});

describe("a resilient stream (lib/xmtp/stream.ts) across a node outage", () => {
  it("keeps reopening with growing delays while the node is down, then delivers what was sent meanwhile", async () => {
    const a = await newUser(tmp.dir, { apiUrl: own.node.url });
    const b = await newUser(tmp.dir, { apiUrl: own.node.url });
    const streamed: string[] = [];
    let restarts = 0;
    let errors = 0;
    const stream = await startResilientStream<{ content: unknown }>({
      open: (hooks) => b.client.conversations.streamAllMessages(hooks),
      disableSync: true,
      backoff: { baseMs: 100, capMs: 800 },
      onValue: (m) => {
        if (typeof m.content === "string") streamed.push(m.content);
      },
      onRestart: () => restarts++,
      onError: () => errors++,
    });
    try {
      const group = await a.client.conversations.createGroup([b.client.inboxId]);
      await group.sendText("before");
      await waitFor("the first message on B's stream", () => streamed.includes("before"));
      await own.stop();
      await waitFor("three reopens to fail while the node is down", () => errors >= 3);
      await own.start();
      await group.sendText("after");
      await waitFor(
        "the message sent after the outage on B's stream",
        () => streamed.includes("after"),
        30_000,
      );
      expect(restarts).toBeGreaterThanOrEqual(1);
      expect(streamed.filter((t) => t === "before")).toHaveLength(1);
    } finally {
      await stream.end();
    }
  });
});
