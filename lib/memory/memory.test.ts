/**
 * Memory on a real PostgreSQL: the remember and forget tools as the model calls them, kept per
 * conversation (two conversations of one owner never see each other's), secrets refused before anything
 * is stored, the prompt's bound, /forget all, and the erasure when the agent leaves a conversation on a
 * stop. Through the worker and the scripted model: workers/agents/answer/memory.test.ts.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { MemoryConversation } from "@/test/memory-conversation";
import { LinkAllowance } from "@/lib/agents/tools/links";
import { forgetTool, rememberTool } from "@/lib/agents/tools/memory";
import { ToolError, type ToolContext } from "@/lib/agents/tools/types";
import { recordLeft } from "@/lib/agents/lifecycle";
import { forgetCommand } from "./command";
import { deleteMemoryOfOwner, editMemoryOfOwner, memoriesForAgent } from "./owner";
import {
  boundedMemories,
  MEMORY_PROMPT_CHARS,
  MEMORY_PROMPT_COUNT,
  memoryPromptText,
  withMemory,
} from "./memory";

const database = withTestDatabase();

let agentId: string;
let otherAgentId: string;
let ownerId: string;

beforeEach(async () => {
  const { db } = database();
  await db.memory.deleteMany();
  await db.event.deleteMany();
  await db.identity.deleteMany();
  await db.agent.deleteMany();
  await db.user.deleteMany();
  const owner = await db.user.create({ data: { email: "owner@example.com" } });
  ownerId = owner.id;
  const agent = (name: string) =>
    db.agent.create({ data: { name, instructions: "Help.", ownerId: owner.id, status: "live" } });
  agentId = (await agent("Planner")).id;
  otherAgentId = (await agent("Cook")).id;
  let n = 0;
  for (const [conversationId, isOwnerConversation, conversationName] of [
    ["group-a", true, null],
    ["group-b", false, "Trip"],
  ] as const)
    await db.identity.create({
      data: {
        id: `identity-${conversationId}`,
        status: "live",
        agentId,
        conversationId,
        isOwnerConversation,
        conversationName,
        inboxId: `inbox-${++n}`,
      },
    });
});

/** A tool context for `agent` in conversation `conversationId`, its database writes in `tx`. */
function contextIn(conversationId: string, tx: ToolContext["tx"], agent = agentId): ToolContext {
  const conversation = new MemoryConversation("agent-inbox", ["ana"], conversationId);
  const message = { id: "m1", senderInboxId: "ana" };
  return {
    settings: {},
    agentId: agent,
    identityId: `identity-${conversationId}`,
    conversationId,
    conversation,
    ownInboxId: "agent-inbox",
    message,
    resolveMessage: () => message,
    nameOf: (id) => id,
    timeZone: "UTC",
    queued: () => {},
    links: new LinkAllowance(),
    tx,
  };
}

/** Runs `tool` with `args` in conversation `conversationId`, in a transaction as the ledger does. */
function call<A>(
  tool: { run(args: A, ctx: ToolContext): Promise<string> },
  args: A,
  conversationId: string,
  agent = agentId,
) {
  return database().db.$transaction((tx) => tool.run(args, contextIn(conversationId, tx, agent)));
}

const promptOf = (conversationId: string, agent = agentId) =>
  withMemory("Help.", { agentId: agent, conversationId });

describe("memory", () => {
  it("remember and forget keep facts per conversation, never seen by another of the same owner", async () => {
    expect(await call(rememberTool, { fact: "  Sam is   vegetarian " }, "group-a")).toBe(
      "Remembered: Sam is vegetarian",
    );
    await call(rememberTool, { fact: "The trip is 12–19 March" }, "group-a");
    await call(rememberTool, { fact: "Ana likes tea" }, "group-b");
    await call(rememberTool, { fact: "Bo is allergic to nuts" }, "group-a", otherAgentId);

    const a = await promptOf("group-a");
    expect(a).toContain("1. Sam is vegetarian\n2. The trip is 12–19 March");
    expect(a).not.toMatch(/Ana|Bo /);
    expect(await promptOf("group-b")).toMatch(/1\. Ana likes tea$/);
    expect(await promptOf("group-b")).not.toMatch(/Sam|trip/);
    expect(await promptOf("group-a", otherAgentId)).not.toMatch(/Sam|trip/);

    // group-b cannot forget group-a's facts, by words or by number.
    await expect(call(forgetTool, { memory: "vegetarian" }, "group-b")).rejects.toThrow(ToolError);
    expect(await call(forgetTool, { memory: "1" }, "group-b")).toBe("Forgotten: Ana likes tea");
    expect(await promptOf("group-b")).toBe("Help.");
    expect(await call(forgetTool, { memory: "VEGETARIAN" }, "group-a")).toBe("Forgotten: Sam is vegetarian");
    expect(await promptOf("group-a")).toMatch(/:\n1\. The trip is 12–19 March$/);
  });

  it("a secret gets a one-line refusal and nothing is stored", async () => {
    for (const fact of ["my password is hunter2", "card 4111 1111 1111 1111", "the login code is 482913"]) {
      const refused = call(rememberTool, { fact }, "group-a");
      await expect(refused).rejects.toThrow(/^I don't keep passwords, card numbers, one-time codes or keys/);
      await expect(refused).rejects.not.toThrow(/\n/);
    }
    expect(await database().db.memory.count()).toBe(0);
  });

  it("the prompt carries the 50 newest within 4,000 characters", async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ text: `fact ${60 - i}` })); // newest first
    const shown = boundedMemories(many);
    expect(shown).toHaveLength(MEMORY_PROMPT_COUNT);
    expect(shown[0].text).toBe("fact 11");
    expect(shown.at(-1)?.text).toBe("fact 60");
    const long = Array.from({ length: 50 }, (_, i) => ({ id: `${i}`, text: `${i} ${"x".repeat(290)}` }));
    const text = memoryPromptText(boundedMemories(long));
    expect(text.length).toBeLessThanOrEqual(MEMORY_PROMPT_CHARS + 200); // the heading's line
    // ~300 characters each: the 13 newest fit, oldest first.
    expect(
      text
        .split("\n")
        .slice(1)
        .map((l) => l.split(" x")[0]),
    ).toEqual(Array.from({ length: 13 }, (_, i) => `${i + 1}. ${12 - i}`));

    const { db } = database();
    for (let i = 1; i <= 55; i++)
      await db.memory.create({
        data: { agentId, conversationId: "group-a", text: `fact ${i}`, createdAt: new Date(i * 1000) },
      });
    const prompt = await promptOf("group-a");
    expect(prompt).toContain("\n1. fact 6\n");
    expect(prompt).toMatch(/\n50\. fact 55$/);
  });

  it("/forget all clears the conversation it is sent in, or the one named, and nothing else", async () => {
    await call(rememberTool, { fact: "Sam is vegetarian" }, "group-a");
    await call(rememberTool, { fact: "Ana likes tea" }, "group-b");
    const agent = { id: agentId, name: "Planner" };
    expect(await forgetCommand(agent, "")).toBe("Usage: /forget all [conversation]");
    expect(await forgetCommand(agent, "all")).toBe('Forgot everything I remembered in "Planner" (1 memory).');
    expect(await promptOf("group-a")).toBe("Help.");
    expect(await promptOf("group-b")).toContain("Ana likes tea");
    expect(await forgetCommand(agent, "all nowhere")).toMatch(/^I have no conversation called "nowhere"/);
    expect(await forgetCommand(agent, "all trip")).toBe(
      'Forgot everything I remembered in "Trip" (1 memory).',
    );
    expect(await database().db.memory.count()).toBe(0);
  });

  it("leaving a conversation on a stop erases what was remembered there", async () => {
    await call(rememberTool, { fact: "Sam is vegetarian" }, "group-a");
    await call(rememberTool, { fact: "Ana likes tea" }, "group-b");
    await call(rememberTool, { fact: "Bo is allergic to nuts" }, "group-a", otherAgentId);
    await recordLeft(agentId, "identity-group-a", "worker-1", "left");
    const left = await database().db.memory.findMany({ select: { text: true }, orderBy: { text: "asc" } });
    expect(left.map((m) => m.text)).toEqual(["Ana likes tea", "Bo is allergic to nuts"]);
  });

  it("the owner sees memories by conversation, edits and deletes them; nobody else can", async () => {
    await call(rememberTool, { fact: "Ana likes tea" }, "group-b");
    await call(rememberTool, { fact: "Sam is vegetarian" }, "group-a");
    const seen = await memoriesForAgent(agentId, "Planner");
    expect(seen.map((c) => [c.name, c.memories.map((m) => m.text)])).toEqual([
      ["Planner", ["Sam is vegetarian"]],
      ["Trip", ["Ana likes tea"]],
    ]);
    const sam = seen[0].memories[0].id;
    const stranger = await database().db.user.create({ data: { email: "stranger@example.com" } });
    expect(await editMemoryOfOwner(stranger.id, sam, "Sam eats fish")).toBe(false);
    expect(await deleteMemoryOfOwner(stranger.id, sam)).toBe(false);
    await expect(editMemoryOfOwner(ownerId, sam, "Sam's password is hunter2")).rejects.toThrow(
      /I don't keep passwords/,
    );
    expect(await editMemoryOfOwner(ownerId, sam, " Sam eats fish ")).toBe(true);
    expect(await promptOf("group-a")).toMatch(/1\. Sam eats fish$/);
    expect(await deleteMemoryOfOwner(ownerId, sam)).toBe(true);
    expect(await promptOf("group-a")).toBe("Help.");
  });
});
