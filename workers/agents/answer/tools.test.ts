/**
 * Agents acting in their conversation, on the real parts (PostgreSQL, the local
 * XMTP node, node-sdk clients) with the scripted model on loopback: each tool
 * read back by a real member's client, the tool loop's bounds and failures, a
 * crash between a tool's effect and the answer, and a group of two people whose
 * turns the model sees by name.
 */
import {
  encodeText,
  type DecodedMessage,
  type EnrichedReply,
  type Group,
  type Reaction,
} from "@xmtp/node-sdk";
import { describe, expect, it } from "vitest";
import { join, resolveProfiles, type ProfileMessage } from "@/lib/convos";
import { newIdentity, waitFor, type Identity } from "@/test/convos";
import type { ChatMessage } from "@/lib/llm";
import { promptTokenBound } from "@/lib/llm/budget";
import { lastUserText, type RecordedRequest } from "@/test/scripted-model-server";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { optionEmoji } from "@/lib/polls/votes";
import { TOOL_NAMES, TOOLS } from "@/lib/agents/tools/registry";
import { toolSettings } from "@/lib/agents/tools/settings";
import { messageRef } from "./group";
import { Reactions } from "./history";
import { ask, testSettings, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { ANSWER_TOKEN_BUDGET, MAX_TOOL_ROUNDS } from "./tool-loop";
import { INTERRUPTED } from "./tool-session";
import { setTimeout as sleep } from "node:timers/promises";

const run = withRunningWorker({
  idle: 3,
  prefix: "agents-tools",
  poolTimeoutMs: 60_000,
  model: { timeoutMs: 8_000, maxRetries: 0 },
  options: { thinkingAfterMs: 5_000 },
});
const { tmp, start } = run;

/** After a tool round the scripted model says the last tool result; otherwise it echoes. */
const echoToolResult = (r: RecordedRequest) => {
  const last = r.messages.at(-1)!;
  return last.role === "tool" ? { text: last.content } : { text: `echo: ${lastUserText(r)}` };
};

interface Room {
  agentId: string;
  identityId: string;
  agentInbox: string;
  alice: Identity;
  group: Group<unknown>;
}

/** Launches an agent and lets `name` in (with a Convos profile) as its operator; the agent answers everyone. */
async function launch(agentName: string, name = "Alice"): Promise<Room> {
  const claim = await claimWarmIdentity({
    ownerId: null,
    templateId: null,
    name: agentName,
    instructions: "Help.",
  });
  const alice = await newIdentity(tmp.dir);
  const group = await joinWithProfile(alice, claim.inviteUrl, name);
  await waitFor("the greeting", async () => (await texts(group)).some((m) => m.text.startsWith("Hi, I'm")));
  await run.db.agent.update({ where: { id: claim.agentId }, data: { dmPolicy: "open" } });
  const identity = await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } });
  return {
    agentId: claim.agentId,
    identityId: claim.identityId,
    agentInbox: identity.inboxId!,
    alice,
    group,
  };
}

async function joinWithProfile(who: Identity, url: string, name: string): Promise<Group<unknown>> {
  const r = await join(url, {
    client: who.client,
    env: "local",
    timeoutMs: 60_000, // the handoff and the join share two cores with the other test file
    syncIntervalMs: 300,
    profile: { name },
  });
  if (r.status !== "joined") throw new Error(`join failed: ${r.status}`);
  return r.group;
}

const messagesOf = async (group: Group<unknown>) => {
  await group.sync();
  return (await group.messages()) as DecodedMessage<unknown>[];
};

const toolResults = (r: RecordedRequest) =>
  r.messages.filter((m): m is ChatMessage & { role: "tool" } => m.role === "tool").map((m) => m.content);

let room: Room;

describe("agent tools", () => {
  it("react: the member sees the agent's reaction on their message", async () => {
    room = await launch("Helper");
    run.model.script({ toolCalls: [{ name: "react", arguments: { emoji: "👍" } }] }, { text: "" });
    const before = run.model.requests.length;
    const id = await room.group.sendText("I'll bring the drinks");
    const reaction = await waitFor("the agent's reaction", async () => {
      const m = (await messagesOf(room.group)).find((x) => x.id === id);
      return (m?.reactions ?? []).find((r) => r.senderInboxId === room.agentInbox)?.content as
        Reaction | undefined;
    });
    expect(reaction).toMatchObject({ content: "👍", action: Reactions.Added, reference: id });
    // The reaction goes out during the tool round; the model is asked again after it.
    await waitFor("the round after the tool", () => run.model.requests.length >= before + 2);
    const [asked, after] = run.model.requests.slice(before);
    // Every tool the registry knows, in its order, but those whose provider isn't configured (web search, SMS, …).
    const offered = TOOLS.filter((t) => !t.unavailable?.(toolSettings(testSettings()))).map((t) => t.name);
    expect(offered).not.toContain("web_search");
    expect(asked.tools?.map((t) => t.function.name)).toEqual(offered);
    expect(TOOL_NAMES).toEqual(expect.arrayContaining(["react", "remember", "web_search"]));
    expect(toolResults(after)).toEqual(["Reacted 👍."]);
    // The model had nothing to add: no text message followed the reaction.
    await sleep(500);
    expect((await texts(room.group)).filter((m) => m.sender === room.agentInbox)).toHaveLength(1); // the greeting
  });

  it("reply: the member sees a reply quoting the message the model named by its reference", async () => {
    const earlier = await room.group.sendText("Is the museum open on Monday?");
    await waitFor("the echo", async () =>
      (await texts(room.group)).some((m) => m.text === "echo: Is the museum open on Monday?"),
    );
    run.model.script(
      {
        toolCalls: [
          { name: "reply", arguments: { message: messageRef(earlier), text: "Closed on Mondays." } },
        ],
      },
      { text: "" },
    );
    await room.group.sendText("and about my museum question?");
    const reply = await waitFor("the agent's reply", async () =>
      (await messagesOf(room.group)).find(
        (m) => m.senderInboxId === room.agentInbox && m.contentType?.typeId === "reply",
      ),
    );
    const content = reply.content as EnrichedReply;
    expect(content.referenceId).toBe(earlier);
    expect(content.content).toBe("Closed on Mondays.");
  });

  it("list: items added and checked off by chatting; the member reads the list", async () => {
    run.model.setDefault(echoToolResult);
    run.model.script({
      toolCalls: [{ name: "list", arguments: { action: "add", list: "Shopping", items: ["milk", "eggs"] } }],
    });
    const added = await ask(room.group, room.agentInbox, "add milk and eggs to shopping");
    expect(added).toEqual(["Added 2.\nshopping:\n1. [ ] milk\n2. [ ] eggs"]);
    run.model.script({
      toolCalls: [{ name: "list", arguments: { action: "check", list: "shopping", items: ["milk"] } }],
    });
    expect(await ask(room.group, room.agentInbox, "got the milk")).toEqual([
      "shopping:\n1. [x] milk\n2. [ ] eggs",
    ]);
    const rows = await run.db.sharedListItem.findMany({
      where: { list: { agentId: room.agentId, conversationId: room.group.id } },
      orderBy: { createdAt: "asc" },
    });
    expect(rows.map((r) => [r.text, r.done])).toEqual([
      ["milk", true],
      ["eggs", false],
    ]);
  });

  it("poll: members vote by reply and by reaction, the last vote counts; the tally and close reach the chat", async () => {
    run.model.script(
      {
        toolCalls: [
          {
            name: "poll",
            arguments: { action: "create", question: "Dinner?", options: ["Pizza", "Sushi", "Tacos"] },
          },
        ],
      },
      { text: "" },
    );
    await room.group.sendText("let's vote on dinner");
    const pollMessage = await waitFor("the poll", async () =>
      (await messagesOf(room.group)).find(
        (m) => typeof m.content === "string" && m.content.startsWith("📊 Dinner?"),
      ),
    );
    expect(pollMessage.content).toContain(`${optionEmoji(2)} Sushi`);
    const bob = await newIdentity(tmp.dir);
    const inviteUrl = (await run.db.identity.findUniqueOrThrow({ where: { id: room.identityId } }))
      .inviteUrl!;
    const bobGroup = await joinWithProfile(bob, inviteUrl, "Bob");
    const before = run.model.requests.length;
    // Alice: a reply "2", then she changes her mind with 3️⃣. Bob: 1️⃣.
    await room.group.sendReply({
      reference: pollMessage.id,
      referenceInboxId: room.agentInbox,
      content: encodeText("2"),
    });
    const react = (g: Group<unknown>, emoji: string) =>
      g.sendReaction({
        reference: pollMessage.id,
        referenceInboxId: room.agentInbox,
        action: Reactions.Added,
        content: emoji,
        schema: Reactions.Unicode,
      });
    await react(room.group, optionEmoji(3));
    await bobGroup.sync();
    await react(bobGroup, optionEmoji(1));
    await waitFor(
      "two votes",
      async () =>
        (await run.db.pollVote.count()) === 2 &&
        (await run.db.pollVote.count({ where: { option: 3 } })) === 1,
    );
    expect(run.model.requests.length).toBe(before); // votes are not answered
    run.model.script({ toolCalls: [{ name: "poll", arguments: { action: "close" } }] });
    const [tally] = await ask(room.group, room.agentInbox, "close the poll");
    expect(tally).toBe(
      "Poll 1 (closed): Dinner?\n1. Pizza: 1 (Bob)\n2. Sushi: 0\n3. Tacos: 1 (Alice)\n2 votes.",
    );
    // A vote after closing does not count.
    await react(bobGroup, optionEmoji(2));
    run.model.script({ toolCalls: [{ name: "poll", arguments: { action: "results" } }] });
    expect((await ask(room.group, room.agentInbox, "results?"))[0]).toContain("1. Pizza: 1 (Bob)");
  });

  it("set_profile: members see the agent's new name", async () => {
    run.model.script({ toolCalls: [{ name: "set_profile", arguments: { name: "Chef Bot" } }] });
    await ask(room.group, room.agentInbox, "call yourself Chef Bot");
    const profiles = resolveProfiles(
      (await messagesOf(room.group)) as unknown as ProfileMessage[],
      room.group.appData,
    );
    expect(profiles.get(room.agentInbox)?.name).toBe("Chef Bot");
  });

  it(`the loop stops offering tools after ${MAX_TOOL_ROUNDS} rounds; failed calls go back to the model as text`, async () => {
    run.model.script(
      { toolCalls: [{ name: "no_such_tool", arguments: {} }] },
      { toolCalls: [{ name: "list", arguments: "{not json" }] },
      { toolCalls: [{ name: "react", arguments: { message: "ffffffff", emoji: "👍" } }] },
      { toolCalls: [{ name: "list", arguments: { action: "show", list: "nothing here" } }] },
      { text: "I gave up." },
    );
    const before = run.model.requests.length;
    expect(await ask(room.group, room.agentInbox, "do something odd")).toEqual(["I gave up."]);
    const sent = run.model.requests.slice(before);
    expect(sent).toHaveLength(MAX_TOOL_ROUNDS + 1);
    expect(sent.slice(0, MAX_TOOL_ROUNDS).every((r) => (r.tools?.length ?? 0) > 0)).toBe(true);
    expect(sent.at(-1)!.tools).toBeUndefined();
    expect(toolResults(sent.at(-1)!)).toEqual([
      'Error: there is no tool named "no_such_tool".',
      "Error: the arguments were not valid JSON.",
      'Error: no message with the reference "ffffffff"',
      'Error: there is no list called "nothing here"',
    ]);
    expect(await ask(room.group, room.agentInbox, "still there?")).toEqual(["echo: still there?"]);
  });

  it("an answer with no room left in its budget for the tools is asked for text without them", async () => {
    // The cap's remainder never stops the tools first: each call reserves its worst case under the cap
    // (lib/llm/budget.ts), so an agent near its cap is refused the call and says so. The answer's own budget does.
    await run.db.agent.update({ where: { id: room.agentId }, data: { tokenCap: null } });
    // The first call leaves room for a second one without the tools' specs (~6,000 bytes), not with them.
    let calls = 0;
    run.model.setDefault((r) =>
      calls++ === 0
        ? {
            toolCalls: [{ name: "list", arguments: { action: "lists" } }],
            tokens: ANSWER_TOKEN_BUDGET - (promptTokenBound(r.messages) + 1_024 + 3_000),
          }
        : { text: "That's all I can do.", tokens: 1 },
    );
    const before = run.model.requests.length;
    expect(await ask(room.group, room.agentInbox, "what lists do we have?")).toEqual([
      "That's all I can do.",
    ]);
    run.model.setDefault(echoToolResult);
    const [first, second] = run.model.requests.slice(before);
    expect(first.tools?.length).toBeGreaterThan(0);
    expect(second.tools).toBeUndefined();
    expect(toolResults(second)).toEqual([expect.stringContaining("shopping")]);
  });

  it("a crash between the tools' effects and the answer: the next run answers without repeating them", async () => {
    // Round one: a reaction (a message effect) and a list write (a database effect); then the model hangs.
    run.model.script(
      {
        toolCalls: [
          { name: "react", arguments: { emoji: "✅" } },
          { name: "list", arguments: { action: "add", list: "todo", items: ["book the boat"] } },
        ],
      },
      { hang: true },
    );
    const id = await room.group.sendText("add booking the boat to our todo");
    await waitFor(
      "both tool calls done",
      async () => (await run.db.toolCall.count({ where: { messageId: id, status: "done" } })) === 2,
    );
    await run.closeAll(); // default grace: the hanging model call is aborted
    expect(
      await run.db.handledMessage.findUnique({
        where: { identityId_messageId: { identityId: room.identityId, messageId: id } },
      }),
    ).toMatchObject({ kind: expect.stringMatching(/^answering:/) });
    const before = run.model.requests.length;
    run.model.script({ text: "Added it." });
    await start();
    await waitFor(
      "the answer after the restart",
      async () => (await texts(room.group)).some((m) => m.text === "Added it."),
      30_000,
    );
    const after = run.model.requests.slice(before);
    expect(after).toHaveLength(1); // round one was replayed from the ledger, not asked again
    expect(toolResults(after[0])).toEqual(["Reacted ✅.", "Added 1.\ntodo:\n1. [ ] book the boat"]);
    const m = (await messagesOf(room.group)).find((x) => x.id === id)!;
    expect((m.reactions ?? []).filter((r) => r.senderInboxId === room.agentInbox)).toHaveLength(1);
    expect(await run.db.sharedListItem.count({ where: { text: "book the boat" } })).toBe(1);
    expect(INTERRUPTED).toMatch(/don't repeat/);
  });

  it("two people talk: the model sees each turn with its sender's name, the members and the time in the agent's zone", async () => {
    const r = await launch("Cook", "Alice");
    await run.db.agent.update({ where: { id: r.agentId }, data: { timeZone: "Asia/Tokyo" } });
    const bob = await newIdentity(tmp.dir);
    const inviteUrl = (await run.db.identity.findUniqueOrThrow({ where: { id: r.identityId } })).inviteUrl!;
    const bobGroup = await joinWithProfile(bob, inviteUrl, "Bob");
    run.model.setDefault((req) => ({ text: `echo: ${lastUserText(req)}` }));
    await ask(r.group, r.agentInbox, "I'm vegetarian");
    await bobGroup.sync();
    const bobAsked = await bobGroup.sendText("what should I cook tonight?");
    await waitFor("the answer to Bob", async () =>
      (await texts(r.group)).some((m) => m.text === "echo: what should I cook tonight?"),
    );
    const request = run.model.requests.at(-1)!;
    const system = request.messages[0].content as string;
    expect(system).toMatch(/Members of this conversation: (Alice, Bob|Bob, Alice), and you \(Cook\)\./);
    const tokyoHour = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Tokyo",
      hour: "2-digit",
      hour12: false,
    }).format(new Date());
    expect(system).toContain("(Asia/Tokyo)");
    expect(system).toMatch(new RegExp(`, ${tokyoHour}:\\d\\d \\(Asia/Tokyo\\)`));
    const turns = request.messages.slice(1).map((m) => m.content as string);
    expect(turns.some((t) => /^\[[0-9a-f]{8}\] Alice: I'm vegetarian$/.test(t))).toBe(true);
    expect(turns.at(-1)).toBe(`[${messageRef(bobAsked)}] Bob: what should I cook tonight?`);
  });
});
