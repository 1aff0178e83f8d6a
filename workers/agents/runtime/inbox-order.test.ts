/**
 * The flood limits count each message once, in the order it was sent, whichever path reads it: a message
 * read live while a pass is still to read the gap before it waits for its turn (inbox.ts).
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import pino from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { MessageInbox, RATE_NOTICE, RATE_NOTICE_GAP_MS } from "./inbox";

const database = withTestDatabase();
const SENDER = "flooder";
/** Far enough in the past that no send time is clamped to now. */
const T0 = Date.now() - 60_000;

const message = (id: string, sentMs: number) =>
  ({ id, senderInboxId: SENDER, sentAt: new Date(T0 + sentMs) }) as DecodedMessage<unknown>;
const range = (prefix: string, fromMs: number, n: number) =>
  Array.from({ length: n }, (_, i) => message(`${prefix}${i}`, fromMs + i * 100));

let inbox: MessageInbox;
let said: string[];
let answered: string[];
let tail: Promise<unknown>;
/** The inbox's wall clock. */
let clock: number;
/** The run's serial queue: tasks in the order they were pushed. */
const enqueue = (task: () => Promise<unknown>) => (tail = tail.then(task, task));

beforeEach(async () => {
  const agent = await database().db.agent.create({
    data: { name: "Echo", instructions: "", dmPolicy: "open" },
  });
  said = [];
  answered = [];
  tail = Promise.resolve();
  clock = Date.now();
  inbox = new MessageInbox({
    identityId: "identity-1",
    agentId: agent.id,
    limits: { burst: 5, refillMs: 1_000, queueMax: 50, contextBurst: 20, contextRefillMs: 1_000 },
    enqueue,
    answer: async (m) => void answered.push(m.id),
    say: async (text) => void said.push(text),
    track: () => undefined,
    log: pino({ level: "silent" }),
    now: () => clock,
  });
});

describe("MessageInbox", () => {
  it("gives one flood one notice when a message read live overtakes the gap a pass is still to read", async () => {
    // Ten read live within a second: five answered, the sixth earns the notice, and reading pauses.
    for (const m of range("live-", 0, 10)) inbox.offer(m);
    // Ten more sent during the pause, read by the pass queued when reading resumes.
    const gap = range("gap-", 1_050, 10);
    void enqueue(async () => gap.forEach((m) => inbox.admit(m) && answered.push(m.id)));
    // Reading resumes: a message sent six seconds later is read live before the pass has run.
    inbox.offer(message("later", 7_000), true);
    await tail;
    await tail; // the notices queued by the last tasks
    expect(said.filter((t) => t === RATE_NOTICE)).toHaveLength(1);
    expect(answered).toEqual(["live-0", "live-1", "live-2", "live-3", "live-4", "gap-0", "later"]);
  });

  it("tells one sender about their rate at most once a minute, even when a flood is counted out of order", async () => {
    for (const m of range("live-", 0, 10)) inbox.offer(m);
    // A path that is not a pass reads a message sent six seconds later before the gap: the bucket seems
    // to have rested, and the gap then overflows it again.
    inbox.offer(message("later", 7_000));
    for (const m of range("gap-", 1_050, 10)) inbox.offer(m);
    await tail;
    await tail;
    expect(said.filter((t) => t === RATE_NOTICE)).toHaveLength(1);

    // A minute on, after a real rest, a new flood is told again.
    clock += RATE_NOTICE_GAP_MS;
    for (const m of range("again-", 30_000, 10)) inbox.offer(m);
    await tail;
    await tail;
    expect(said.filter((t) => t === RATE_NOTICE)).toHaveLength(2);
  });

  it("counts a message read twice once, with the verdict it got first", async () => {
    const [a, b] = range("m-", 0, 2);
    for (let i = 0; i < 6; i++) expect(inbox.admit(a)).toBe(true); // past the burst of 5, still one
    expect(inbox.admit(b)).toBe(true);
    for (const m of range("more-", 200, 3)) inbox.admit(m);
    const refused = message("refused", 500);
    expect(inbox.admit(refused)).toBe(false);
    expect(inbox.admit(refused)).toBe(false);
    await tail;
    expect(said).toEqual([RATE_NOTICE]); // the refusal read again earns no second notice
  });
});
