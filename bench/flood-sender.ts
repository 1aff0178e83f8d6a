/**
 * The flooder of bench/flood.ts, in a process of its own (so its work doesn't
 * count against the worker's): `tsx bench/flood-sender.ts <nodeUrl> <invite> <count> <dir> [texts|receipts]`.
 * Joins the conversation, prints "joined", waits for "go" on stdin, then sends
 * `count` texts or read receipts as fast as the node takes them (prepared
 * locally, published in batches of 500) and prints "published <seconds>"; on
 * "count", prints what the agent said back: "answers <n> notices <n>".
 */
import readline from "node:readline";
import { join } from "@/lib/convos/index.ts";
import { BUSY_NOTICE, RATE_NOTICE } from "@/workers/agents/runtime/inbox.ts";
import { newIdentity } from "@/test/convos.ts";
import { pointLocalEnvAt } from "@/lib/xmtp/index.ts";

const [nodeUrl, invite, count, dir, kind = "texts"] = process.argv.slice(2);
pointLocalEnvAt(nodeUrl);
const flooder = await newIdentity(dir);
const joined = await join(invite, {
  client: flooder.client,
  env: "local",
  timeoutMs: 60_000,
  syncIntervalMs: 300,
});
if (joined.status !== "joined") throw new Error(`join failed: ${joined.status}`);
const group = joined.group;
console.log("joined");
const lines = readline.createInterface({ input: process.stdin });
const command = (word: string) => new Promise<void>((r) => lines.on("line", (l) => l === word && r()));
await command("go");
const started = performance.now();
for (let i = 0; i < Number(count); i++) {
  // Each receipt its own key: the default (a timestamp) would make receipts prepared in one millisecond one.
  if (kind === "receipts") await group.sendReadReceipt({ optimistic: true, idempotencyKey: `receipt ${i}` });
  else await group.sendText(`flood ${i}`, { optimistic: true });
  if (i % 500 === 499) await group.publishMessages();
}
await group.publishMessages();
console.log(`published ${((performance.now() - started) / 1000).toFixed(1)}`);
await command("count");
await group.sync();
const said = (await group.messages())
  .filter((m) => m.senderInboxId !== flooder.client.inboxId && typeof m.content === "string")
  .map((m) => m.content as string);
const notices = said.filter((t) => t === RATE_NOTICE || t === BUSY_NOTICE).length;
console.log(`answers ${said.filter((t) => t.startsWith("echo: flood ")).length} notices ${notices}`);
process.exit(0);
