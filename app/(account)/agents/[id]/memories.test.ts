/** The agent page's "What it remembers" as the server renders it, on a real PostgreSQL: memories and summary. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { saveSummary } from "@/lib/memory/summary";
import { Memories } from "./memories";

const database = withTestDatabase();
const text = (html: string) => html.replaceAll("<!-- -->", "");

describe("what the agent remembers, on its page", () => {
  it("shows each conversation's summary of earlier messages with its memories, and a button to clear it", async () => {
    const { db } = database();
    const agent = await db.agent.create({ data: { name: "Penny", instructions: "", status: "live" } });
    await db.identity.create({
      data: { status: "live", agentId: agent.id, conversationId: "group-a", isOwnerConversation: true },
    });
    await db.memory.create({
      data: { agentId: agent.id, conversationId: "group-a", text: "Sam is vegetarian" },
    });
    const scope = { agentId: agent.id, conversationId: "group-a" };
    await saveSummary(scope, null, { text: "Ana books the rooms.", coveredUntilNs: 5n, messages: 5 });

    const html = text(renderToStaticMarkup(await Memories({ agentId: agent.id, agentName: "Penny" })));
    expect(html).toContain('<h3 class="font-medium">Penny</h3>');
    expect(html).toContain("Summary of 5 earlier messages, written by the model:");
    expect(html).toContain("Ana books the rooms.");
    expect(html).toContain("Clear summary");
    expect(html).toContain('value="Sam is vegetarian"');

    await db.conversationSummary.update({
      where: { agentId_conversationId: scope },
      data: { text: "" },
    });
    const cleared = text(renderToStaticMarkup(await Memories({ agentId: agent.id, agentName: "Penny" })));
    expect(cleared).not.toContain("Summary of");
    expect(cleared).toContain('value="Sam is vegetarian"');
  });
});
