/**
 * A long-lived stream read through `onValue` must not keep what it delivered: node-sdk also queues every
 * value for an iterator nobody runs here, so without `discardQueue` each message would stay in memory for
 * as long as the stream is open. Real clients on the shared local node; whether the delivered messages
 * can still be collected is asked of the garbage collector (WeakRefs), after the stream handed them over.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { newUser, tempDir, waitFor, type TestUser } from "@/test/xmtp-clients";
import { startResilientStream } from "./stream";

const MESSAGES = 20;
const tmp = tempDir("stream-queue-");
afterAll(() => tmp.remove());

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** Collects garbage until none of `refs` is alive, or gives up after a few rounds; how many are alive. */
async function aliveAfterGc(refs: WeakRef<object>[]): Promise<number> {
  for (let round = 0; round < 10; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (refs.every((r) => r.deref() === undefined)) return 0;
  }
  return refs.filter((r) => r.deref() !== undefined).length;
}

describe("a stream read through onValue", () => {
  let sender: TestUser;
  let reader: TestUser;

  it("keeps none of the messages it delivered once onValue is done with them", async () => {
    [sender, reader] = await Promise.all([newUser(tmp.dir), newUser(tmp.dir)]);
    const group = await sender.client.conversations.createGroup([reader.client.inboxId]);
    await reader.client.conversations.sync();
    const delivered: WeakRef<object>[] = [];
    const stream = await startResilientStream<object>({
      open: (hooks) => reader.client.conversations.streamAllGroupMessages(hooks),
      onValue: (message) => delivered.push(new WeakRef(message)),
      onRestart: () => undefined,
      onError: () => undefined,
    });
    try {
      for (let i = 0; i < MESSAGES; i++) await group.sendText(`message ${i}`);
      await waitFor("every message delivered", () => delivered.length >= MESSAGES, 30_000);
      expect(await aliveAfterGc(delivered)).toBe(0);
    } finally {
      await stream.end();
    }
  });
});
