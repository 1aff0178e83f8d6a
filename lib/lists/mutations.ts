/**
 * Shared lists: named lists an agent keeps for one conversation. Names match
 * case-insensitively and are stored lower-cased; items match by their number
 * in the list (1-based, oldest first) or by their text, case-insensitively.
 * Every function takes the transaction it runs in, so a tool call's write and
 * its ledger entry commit together (lib/ledger/tool-calls.ts).
 */
import type { Prisma } from "@/lib/generated/prisma/client";

export const MAX_LISTS_PER_CONVERSATION = 20;
export const MAX_ITEMS_PER_LIST = 200;

export type ListTx = Prisma.TransactionClient;

export interface ListScope {
  agentId: string;
  conversationId: string;
}

export class ListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ListError";
  }
}

export const normalizeListName = (name: string) =>
  name.replace(/\s+/g, " ").trim().toLowerCase().slice(0, 60);

async function findList(tx: ListTx, scope: ListScope, name: string) {
  return tx.sharedList.findUnique({
    where: { conversationId_name: { conversationId: scope.conversationId, name: normalizeListName(name) } },
    include: { items: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
}

async function listOrThrow(tx: ListTx, scope: ListScope, name: string) {
  const list = await findList(tx, scope, name);
  if (!list) throw new ListError(`there is no list called "${normalizeListName(name)}"`);
  return list;
}

/** Adds items to a list, creating it on first use; returns how many were added. */
export async function addItems(tx: ListTx, scope: ListScope, name: string, items: string[]): Promise<number> {
  const key = normalizeListName(name);
  if (!key) throw new ListError("a list needs a name");
  let list = await findList(tx, scope, key);
  if (!list) {
    const count = await tx.sharedList.count({ where: { conversationId: scope.conversationId } });
    if (count >= MAX_LISTS_PER_CONVERSATION)
      throw new ListError(`this conversation already has ${count} lists; remove one first`);
    await tx.sharedList.create({ data: { ...scope, name: key } });
    list = await listOrThrow(tx, scope, key);
  }
  const clean = items.map((i) => i.replace(/\s+/g, " ").trim().slice(0, 300)).filter(Boolean);
  if (list.items.length + clean.length > MAX_ITEMS_PER_LIST)
    throw new ListError(`a list holds at most ${MAX_ITEMS_PER_LIST} items`);
  // Distinct timestamps keep the order items were given in.
  const now = Date.now();
  await tx.sharedListItem.createMany({
    data: clean.map((text, i) => ({ listId: list.id, text, createdAt: new Date(now + i) })),
  });
  await tx.sharedList.update({ where: { id: list.id }, data: { updatedAt: new Date() } });
  return clean.length;
}

/** The items a list of references names: "2" is the second item, anything else matches an item's text. */
function pick<T extends { id: string; text: string }>(items: T[], refs: string[]): T[] {
  const picked = new Map<string, T>();
  for (const ref of refs) {
    const r = ref.trim();
    const n = /^\d+$/.test(r) ? Number(r) : NaN;
    const item = Number.isInteger(n)
      ? items[n - 1]
      : items.find((i) => i.text.toLowerCase() === r.toLowerCase());
    if (!item) throw new ListError(`no item "${r}" on that list`);
    picked.set(item.id, item);
  }
  return [...picked.values()];
}

/** Removes items (by number or text); removing every item keeps the list. */
export async function removeItems(
  tx: ListTx,
  scope: ListScope,
  name: string,
  refs: string[],
): Promise<number> {
  const list = await listOrThrow(tx, scope, name);
  const items = pick(list.items, refs);
  await tx.sharedListItem.deleteMany({ where: { id: { in: items.map((i) => i.id) } } });
  return items.length;
}

/** Checks items off (or back on with done = false). */
export async function checkItems(
  tx: ListTx,
  scope: ListScope,
  name: string,
  refs: string[],
  done = true,
): Promise<number> {
  const list = await listOrThrow(tx, scope, name);
  const items = pick(list.items, refs);
  await tx.sharedListItem.updateMany({ where: { id: { in: items.map((i) => i.id) } }, data: { done } });
  return items.length;
}

/** Deletes a whole list. */
export async function deleteList(tx: ListTx, scope: ListScope, name: string): Promise<void> {
  const list = await listOrThrow(tx, scope, name);
  await tx.sharedList.delete({ where: { id: list.id } });
}

/** A list as chat text: "shopping:\n1. [x] milk\n2. [ ] eggs". */
export async function showList(tx: ListTx, scope: ListScope, name: string): Promise<string> {
  const list = await listOrThrow(tx, scope, name);
  if (list.items.length === 0) return `${list.name}: (empty)`;
  return [
    `${list.name}:`,
    ...list.items.map((item, i) => `${i + 1}. [${item.done ? "x" : " "}] ${item.text}`),
  ].join("\n");
}

/** The names of the conversation's lists with their item counts. */
export async function listNames(tx: ListTx, scope: ListScope): Promise<string> {
  const lists = await tx.sharedList.findMany({
    where: { conversationId: scope.conversationId },
    orderBy: { createdAt: "asc" },
    select: { name: true, _count: { select: { items: true } } },
  });
  if (lists.length === 0) return "No lists yet.";
  return lists.map((l) => `${l.name} (${l._count.items} items)`).join(", ");
}
