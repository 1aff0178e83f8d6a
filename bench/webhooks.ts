/**
 * `npx tsx bench/webhooks.ts [agents=10] [rate=50] [seconds=10]`: incoming e-mail webhooks, from receipt
 * to the line in the conversation. N live agents in one in-process worker (bench/live-agents.ts), each
 * with an AgentMail inbox row; signed `message.received` deliveries go to the webhook's handler (the
 * route's own function, so the Next.js server's overhead is not counted) at `rate` per second, round-robin
 * over the agents, and each agent's member waits for the line on its stream. Printed: the handler's time
 * (verify + record: what the webhook's sender waits for), receipt → line p50/p95/max, and lines per second.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { DecodedMessage } from "@xmtp/node-sdk";
import { db, finish, pct, startLiveAgents } from "./live-agents.ts";

const [agents, rate, seconds] = [
  Number(process.argv[2] ?? 10),
  Number(process.argv[3] ?? 50),
  Number(process.argv[4] ?? 10),
];
const { offlineResponder } = await import("@/workers/agents/answer/responder.ts");
const { discardQueue } = await import("@/lib/xmtp/stream.ts");
const { receiveAgentMailWebhook } = await import("@/lib/providers/agentmail/webhook.ts");
const { svixSignature } = await import("@/lib/providers/agentmail/svix.ts");

const secret = `whsec_${randomBytes(24).toString("base64")}`;
const live = await startLiveAgents(agents, offlineResponder);
for (const [i, agentId] of live.agentIds.entries())
  await db.agentMailInbox.create({
    data: {
      agentId,
      clientId: `bench-${i}`,
      inboxId: `agent${i}@bench.example`,
      address: `agent${i}@bench.example`,
    },
  });

const postedAt = new Map<string, number>(); // subject → receipt time
const lineMs: number[] = [];
const onValue = (m: DecodedMessage<unknown> | undefined) => {
  if (!m || typeof m.content !== "string") return;
  const subject = /: (bench-\d+)$/.exec(m.content)?.[1];
  const at = subject && postedAt.get(subject);
  if (!at) return;
  postedAt.delete(subject);
  lineMs.push(performance.now() - at);
};
const streams = await Promise.all(
  live.senders.map(async (s) =>
    discardQueue(await s.client.conversations.streamAllGroupMessages({ onValue })),
  ),
);

/** One signed delivery of a mail with `subject` to agent `i`'s inbox. */
function delivery(i: number, subject: string): Request {
  const body = JSON.stringify({
    event_type: "message.received",
    message: { inbox_id: `agent${i}@bench.example`, message_id: subject, from: "sam@example.com", subject },
  });
  const id = `msg_${subject}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  return new Request("http://localhost/api/webhooks/agentmail", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": timestamp,
      "svix-signature": svixSignature(secret, id, timestamp, body),
    },
    body,
  });
}

const handlerMs: number[] = [];
const statuses = new Map<number, number>();
const total = rate * seconds;
const w0 = performance.now();
const posts: Promise<void>[] = [];
for (let n = 0; n < total; n++) {
  const due = w0 + (n * 1000) / rate;
  if (due > performance.now()) await sleep(due - performance.now());
  const subject = `bench-${n}`;
  const t0 = performance.now();
  postedAt.set(subject, t0);
  posts.push(
    receiveAgentMailWebhook(delivery(n % agents, subject), secret).then((res) => {
      handlerMs.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }),
  );
}
await Promise.all(posts);
const deadline = performance.now() + 60_000;
while (postedAt.size > 0 && performance.now() < deadline) await sleep(100);
const wall = (performance.now() - w0) / 1000;
const sortedHandler = handlerMs.sort((a, b) => a - b);
const sortedLine = lineMs.sort((a, b) => a - b);
console.log(
  `${total} webhooks at ${rate}/s to ${agents} agents: statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
    `handler p50 ${pct(sortedHandler, 50).toFixed(1)} ms, p95 ${pct(sortedHandler, 95).toFixed(1)} ms`,
);
console.log(
  `receipt → line in the conversation: ${sortedLine.length} of ${total} arrived; p50 ${pct(sortedLine, 50).toFixed(0)} ms, ` +
    `p95 ${pct(sortedLine, 95).toFixed(0)} ms, max ${(sortedLine.at(-1) ?? NaN).toFixed(0)} ms; ` +
    `${(sortedLine.length / wall).toFixed(1)} lines/s`,
);
await Promise.all(streams.map((s) => s.end()));
await finish(live);
