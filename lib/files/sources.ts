/** The conversation's data a file is made from (a shared list, a poll's tally), read as tables. */
import { db } from "@/lib/db";
import { normalizeListName } from "@/lib/lists/mutations";
import { FileError } from "./errors";
import type { Table } from "./tables";

export interface FileScope {
  agentId: string;
  conversationId: string;
}

/** The list called `name` in the conversation: one row per item (number, item, done). */
export async function listTable(scope: FileScope, name: string): Promise<Table> {
  const list = await db.sharedList.findUnique({
    where: { conversationId_name: { conversationId: scope.conversationId, name: normalizeListName(name) } },
    include: { items: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  if (!list || list.agentId !== scope.agentId)
    throw new FileError(`there is no list called "${normalizeListName(name)}"`);
  return {
    title: list.name,
    header: ["#", "Item", "Done"],
    rows: list.items.map((item, i) => [String(i + 1), item.text, item.done ? "yes" : "no"]),
  };
}

/** The tally of the conversation's poll `number` (1 = its first), else its latest: one row per option. */
export async function pollTable(
  scope: FileScope,
  nameOf: (inboxId: string) => string,
  number?: number,
): Promise<Table> {
  const polls = await db.poll.findMany({
    where: { conversationId: scope.conversationId, agentId: scope.agentId },
    orderBy: { createdAt: "asc" },
    include: { votes: { orderBy: { sentAtNs: "asc" } } },
  });
  const poll = number === undefined ? polls.at(-1) : polls[number - 1];
  if (!poll)
    throw new FileError(
      number === undefined ? "no poll has been asked here yet" : `there is no poll ${number}`,
    );
  const state = poll.closedAt ? "closed" : "open";
  return {
    title: `Poll ${polls.indexOf(poll) + 1} (${state}): ${poll.question}`,
    header: ["#", "Option", "Votes", "Voters"],
    rows: poll.options.map((option, i) => {
      const voters = poll.votes.filter((v) => v.option === i + 1).map((v) => nameOf(v.voter));
      return [String(i + 1), option, String(voters.length), voters.join(", ")];
    }),
  };
}
