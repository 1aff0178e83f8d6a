/**
 * `npm run bench:xmtp-node`: figures for the local XMTP node with real
 * @xmtp/node-sdk clients, on loopback, against a node of its own (in-memory,
 * ephemeral port, so it never disturbs a node on 5556).
 *
 *   1. identities registered per second (sequential Client.create);
 *   2. message round trip A -> B (send until B's stream yields it), p50/p95;
 *   3. the same in a 50-member group where all 49 receivers stream at once,
 *      plus the time until all 49 have it.
 *
 * Bounded loops; exits by itself.
 */
import { randomBytes } from "node:crypto";
import pino from "pino";
import {
  createXmtpClient,
  eoaSigner,
  randomPrivateKey,
  streamOptions,
  pointLocalEnvAt,
} from "@/lib/xmtp/index.ts";
import { startXmtpNode } from "@/workers/xmtp-node/server.ts";

const REGISTRATIONS = 30;
const ROUND_TRIPS = 100;
const CROWD = 50;
const CROWD_ROUND_TRIPS = 30;

const node = await startXmtpNode({ port: 0, dataDir: null, log: pino({ level: "warn" }) });
pointLocalEnvAt(node.url); // lib/xmtp's default apiUrl: this process's clients go to this node

type Client = Awaited<ReturnType<typeof createXmtpClient>>;
const newClient = (): Promise<Client> =>
  createXmtpClient({
    signer: eoaSigner(randomPrivateKey()),
    dbEncryptionKey: new Uint8Array(randomBytes(32)),
    dbPath: null,
    env: "local",
    apiUrl: node.url,
  });

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Waiters keyed by message text, resolved by the receivers' streams. */
function deliveries() {
  const waiting = new Map<string, { left: number; resolve: () => void }>();
  return {
    expect(text: string, count: number) {
      return new Promise<void>((resolve) => waiting.set(text, { left: count, resolve }));
    },
    seen(text: unknown) {
      const w = typeof text === "string" ? waiting.get(text) : undefined;
      if (w && --w.left === 0) {
        waiting.delete(text as string);
        w.resolve();
      }
    },
  };
}

type Stream = Awaited<ReturnType<Client["conversations"]["streamAllMessages"]>>;
const streams: Stream[] = [];
async function streamInto(client: Client, onText: (text: unknown, first?: boolean) => void) {
  streams.push(
    await client.conversations.streamAllMessages(
      streamOptions({ onValue: (m: { content: unknown }) => onText(m.content) }),
    ),
  );
}

try {
  // 1. Registration rate.
  let t = performance.now();
  for (let i = 0; i < REGISTRATIONS; i++) await newClient();
  const perSecond = REGISTRATIONS / ((performance.now() - t) / 1000);
  console.log(
    `identities registered:        ${perSecond.toFixed(1)} /s (${REGISTRATIONS} sequential Client.create)`,
  );

  // 2. Round trip between two clients.
  const [a, b] = [await newClient(), await newClient()];
  const twoWay = deliveries();
  await streamInto(b, twoWay.seen);
  const group = await a.conversations.createGroup([b.inboxId]);
  await group.sendText("warm-up");
  const rtts: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const text = `rt-${i}`;
    const delivered = twoWay.expect(text, 1);
    t = performance.now();
    await group.sendText(text);
    await delivered;
    rtts.push(performance.now() - t);
  }
  console.log(
    `round trip, 2 clients:        p50 ${ms(quantile(rtts, 0.5))}, p95 ${ms(quantile(rtts, 0.95))} (${ROUND_TRIPS} messages)`,
  );

  // 3. 50 clients streaming at once.
  const sender = await newClient();
  const receivers: Client[] = [];
  for (let i = 0; i < CROWD - 1; i++) receivers.push(await newClient());
  const toFirst = deliveries();
  const toAll = deliveries();
  const target = receivers[0];
  for (const r of receivers) {
    await streamInto(r, (text) => {
      toAll.seen(text);
      if (r === target) toFirst.seen(text);
    });
  }
  const crowd = await sender.conversations.createGroup(receivers.map((r) => r.inboxId));
  const warm = toAll.expect("warm-up", receivers.length);
  await crowd.sendText("warm-up");
  await warm;
  const oneRtts: number[] = [];
  const allRtts: number[] = [];
  for (let i = 0; i < CROWD_ROUND_TRIPS; i++) {
    const text = `crowd-${i}`;
    const one = toFirst.expect(text, 1);
    const all = toAll.expect(text, receivers.length);
    t = performance.now();
    await crowd.sendText(text);
    await one;
    oneRtts.push(performance.now() - t);
    await all;
    allRtts.push(performance.now() - t);
  }
  console.log(
    `round trip, ${CROWD} clients streaming: p50 ${ms(quantile(oneRtts, 0.5))}, p95 ${ms(quantile(oneRtts, 0.95))} to one member; ` +
      `p50 ${ms(quantile(allRtts, 0.5))}, p95 ${ms(quantile(allRtts, 0.95))} to all ${receivers.length} (${CROWD_ROUND_TRIPS} messages)`,
  );
  const counts = node.callCounts();
  console.log(
    `node calls: ${Object.values(counts).reduce((x, y) => x + y, 0)} in total, ${node.openStreams()} streams open`,
  );
} finally {
  await Promise.all(streams.map((s) => s.end()));
  await node.stop();
}
process.exit(0);
