/** `list`: named shared lists for the conversation (shopping, to-dos, itinerary, scores), kept in PostgreSQL. */
import { z } from "zod";
import {
  addItems,
  checkItems,
  deleteList,
  ListError,
  listNames,
  removeItems,
  showList,
  type ListScope,
} from "@/lib/lists/mutations";
import { defineTool, ToolError } from "./types";

const args = z.object({
  action: z
    .enum(["add", "remove", "check", "uncheck", "show", "delete", "lists"])
    .describe(
      "add items, remove items, check items off (or uncheck), show a list, delete a list, or name all lists",
    ),
  list: z.string().max(60).optional().describe('The list\'s name, e.g. "shopping" (not needed for "lists")'),
  items: z
    .array(z.string().max(300))
    .max(50)
    .optional()
    .describe('For add: the items\' texts. For remove/check/uncheck: item numbers ("2") or texts'),
});

export const listsTool = defineTool({
  name: "list",
  label: "Lists",
  summary: "Keeps shared lists (shopping, to-dos, itinerary, scores) that anyone can add to and check off.",
  description:
    "Keep named lists for this conversation. Use it whenever someone wants something added, removed, checked off or shown; show the list after changing it only if asked.",
  args,
  effect: "database",
  async run({ action, list, items = [] }, ctx) {
    const scope: ListScope = { agentId: ctx.agentId, conversationId: ctx.conversationId };
    const needList = () => {
      if (!list?.trim()) throw new ToolError(`"${action}" needs the list's name`);
      return list;
    };
    const needItems = () => {
      if (items.length === 0) throw new ToolError(`"${action}" needs at least one item`);
      return items;
    };
    try {
      switch (action) {
        case "add":
          return `Added ${await addItems(ctx.tx, scope, needList(), needItems())}.\n${await showList(ctx.tx, scope, needList())}`;
        case "remove":
          return `Removed ${await removeItems(ctx.tx, scope, needList(), needItems())}.\n${await showList(ctx.tx, scope, needList())}`;
        case "check":
        case "uncheck":
          await checkItems(ctx.tx, scope, needList(), needItems(), action === "check");
          return await showList(ctx.tx, scope, needList());
        case "show":
          return await showList(ctx.tx, scope, needList());
        case "delete":
          await deleteList(ctx.tx, scope, needList());
          return `Deleted the list "${needList()}".`;
        case "lists":
          return await listNames(ctx.tx, scope);
      }
    } catch (error) {
      if (error instanceof ListError) throw new ToolError(error.message);
      throw error;
    }
  },
});
