/**
 * Polls in PostgreSQL: one row per question the agent posted (with the XMTP
 * message that posted it, which votes refer to) and one vote per member. The
 * last vote a member cast counts: a vote replaces theirs only when it was sent
 * later (sentAtNs), so votes replayed out of order (a catch-up after a
 * restart) end the same as live ones.
 */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { MAX_POLL_OPTIONS } from "./votes";

type Tx = Prisma.TransactionClient;

export interface PollScope {
  agentId: string;
  conversationId: string;
}

export class PollError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PollError";
  }
}

/** Records a new poll (its message comes next: `attachPollMessage`). */
export async function createPoll(
  scope: PollScope,
  question: string,
  options: string[],
): Promise<{ id: string; question: string; options: string[] }> {
  const clean = options.map((o) => o.replace(/\s+/g, " ").trim().slice(0, 200)).filter(Boolean);
  if (clean.length < 2 || clean.length > MAX_POLL_OPTIONS)
    throw new PollError(`a poll needs 2 to ${MAX_POLL_OPTIONS} options`);
  const q = question.replace(/\s+/g, " ").trim().slice(0, 500);
  if (!q) throw new PollError("a poll needs a question");
  const poll = await db.poll.create({
    data: { ...scope, question: q, options: clean },
    select: { id: true },
  });
  return { id: poll.id, question: q, options: clean };
}

export async function attachPollMessage(pollId: string, messageId: string): Promise<void> {
  await db.poll.update({ where: { id: pollId }, data: { messageId } });
}

export interface Vote {
  conversationId: string;
  /** The poll's message, which the reply or reaction refers to. */
  pollMessageId: string;
  voter: string;
  option: number;
  messageId: string;
  sentAtNs: bigint;
}

/**
 * Records a member's vote when it is newer than theirs: "recorded"; "ignored" for a closed poll, an option out
 * of range or an older vote; "no_poll" when the message it refers to is not one of this conversation's polls.
 */
export async function recordVote(v: Vote): Promise<"recorded" | "ignored" | "no_poll"> {
  const poll = await db.poll.findUnique({
    where: { messageId: v.pollMessageId },
    select: { id: true, conversationId: true, options: true, closedAt: true },
  });
  if (!poll || poll.conversationId !== v.conversationId) return "no_poll";
  if (poll.closedAt || v.option < 1 || v.option > poll.options.length) return "ignored";
  const n = await db.$executeRaw`
    INSERT INTO "PollVote" ("pollId", voter, option, "messageId", "sentAtNs")
    VALUES (${poll.id}, ${v.voter}, ${v.option}, ${v.messageId}, ${v.sentAtNs})
    ON CONFLICT ("pollId", voter) DO UPDATE
      SET option = EXCLUDED.option, "messageId" = EXCLUDED."messageId", "sentAtNs" = EXCLUDED."sentAtNs"
      WHERE "PollVote"."sentAtNs" < EXCLUDED."sentAtNs"`;
  return n === 1 ? "recorded" : "ignored";
}

/** A member took back a reaction vote: their vote goes when it is still that option and older than the removal. */
export async function withdrawVote(v: Vote): Promise<boolean> {
  const poll = await db.poll.findUnique({
    where: { messageId: v.pollMessageId },
    select: { id: true, closedAt: true },
  });
  if (!poll || poll.closedAt) return false;
  const { count } = await db.pollVote.deleteMany({
    where: { pollId: poll.id, voter: v.voter, option: v.option, sentAtNs: { lt: v.sentAtNs } },
  });
  return count === 1;
}

/** The conversation's poll a reference names: its number (1 = the first poll asked there), else the latest. */
async function findPoll(tx: Tx, scope: PollScope, number?: number) {
  const polls = await tx.poll.findMany({
    where: { conversationId: scope.conversationId },
    orderBy: { createdAt: "asc" },
    select: { id: true, question: true, options: true, closedAt: true },
  });
  const poll = number === undefined ? polls.at(-1) : polls[number - 1];
  if (!poll)
    throw new PollError(
      number === undefined ? "no poll has been asked here yet" : `there is no poll ${number}`,
    );
  return { ...poll, number: polls.indexOf(poll) + 1 };
}

/** The tally as chat text, options in order with their votes and voters' names. */
export async function pollResults(
  scope: PollScope,
  nameOf: (inboxId: string) => string,
  number?: number,
  tx: Tx = db,
): Promise<string> {
  const poll = await findPoll(tx, scope, number);
  const votes = await tx.pollVote.findMany({ where: { pollId: poll.id }, orderBy: { sentAtNs: "asc" } });
  const lines = poll.options.map((option, i) => {
    const voters = votes.filter((v) => v.option === i + 1).map((v) => nameOf(v.voter));
    return `${i + 1}. ${option}: ${voters.length}${voters.length ? ` (${voters.join(", ")})` : ""}`;
  });
  const state = poll.closedAt ? "closed" : "open";
  return [`Poll ${poll.number} (${state}): ${poll.question}`, ...lines, `${votes.length} votes.`].join("\n");
}

/** Closes a poll (later votes are ignored) and returns its final tally. */
export async function closePoll(
  scope: PollScope,
  nameOf: (inboxId: string) => string,
  number?: number,
  tx: Tx = db,
): Promise<string> {
  const poll = await findPoll(tx, scope, number);
  if (!poll.closedAt) await tx.poll.update({ where: { id: poll.id }, data: { closedAt: new Date() } });
  return pollResults(scope, nameOf, poll.number, tx);
}
