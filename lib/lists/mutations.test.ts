/** Shared lists on PostgreSQL: names per conversation, items by number or text, limits, clear errors. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { addItems, checkItems, deleteList, ListError, listNames, removeItems, showList } from "./mutations";

const database = withTestDatabase();

async function scope(conversationId: string) {
  const { db } = database();
  const agent = await db.agent.create({ data: { name: "Lists", instructions: "" } });
  return { agentId: agent.id, conversationId };
}

describe("shared lists", () => {
  it("adds in order, checks off and removes by number or text; names are case-insensitive", async () => {
    const { db } = database();
    const s = await scope("conv-a");
    expect(await addItems(db, s, "Shopping", ["milk", " eggs ", ""])).toBe(2);
    await addItems(db, s, "shopping", ["bread"]);
    await checkItems(db, s, "SHOPPING", ["2", "Bread"]);
    expect(await showList(db, s, "shopping")).toBe("shopping:\n1. [ ] milk\n2. [x] eggs\n3. [x] bread");
    expect(await removeItems(db, s, "shopping", ["milk", "1"])).toBe(1); // the same item twice counts once
    expect(await showList(db, s, "shopping")).toBe("shopping:\n1. [x] eggs\n2. [x] bread");
    expect(await listNames(db, s)).toBe("shopping (2 items)");
  });

  it("keeps each conversation's lists apart", async () => {
    const { db } = database();
    const a = await scope("conv-b");
    const b = { ...a, conversationId: "conv-c" };
    await addItems(db, a, "todo", ["a"]);
    await expect(showList(db, b, "todo")).rejects.toThrow(ListError);
    expect(await listNames(db, b)).toBe("No lists yet.");
  });

  it("says what is wrong: an unknown list or item, a full list", async () => {
    const { db } = database();
    const s = await scope("conv-d");
    await expect(removeItems(db, s, "nope", ["1"])).rejects.toThrow('there is no list called "nope"');
    await addItems(db, s, "todo", ["a"]);
    await expect(checkItems(db, s, "todo", ["7"])).rejects.toThrow('no item "7" on that list');
    await expect(
      addItems(
        db,
        s,
        "todo",
        Array.from({ length: 200 }, (_, i) => `x${i}`),
      ),
    ).rejects.toThrow("a list holds at most 200 items");
    await deleteList(db, s, "todo");
    expect(await listNames(db, s)).toBe("No lists yet.");
  });
});
