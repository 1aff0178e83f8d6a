/**
 * The catch-up's reading of a gap, on the local XMTP node and a real PostgreSQL
 * ledger: a question sent while the stream was paused is found even when more
 * than a page of newer messages were handled live before the pass ran.
 */
import type { Group } from "@xmtp/node-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { Direction } from "@/lib/convos";
import { recordDropped } from "@/lib/ledger/messages";
import { withTestDatabase } from "@/test/db";
import { newIdentity } from "@/test/convos";
import { tempDir } from "@/test/temp-dir";
import { CATCH_UP_PAGE, unansweredMessages } from "./catch-up";

withTestDatabase();
const tmp = tempDir("catch-up-");
afterAll(() => tmp.remove());

describe("unansweredMessages", () => {
  it("after a gap, reads back to it past whole pages already handled", async () => {
    const [agent, member] = [await newIdentity(tmp.dir), await newIdentity(tmp.dir)];
    const group = await member.client.conversations.createGroup([agent.client.inboxId]);
    const gapSince = new Date();
    await group.sendText("a question during the pause");
    // More than a page of newer messages, handled live (here: dropped) once the stream was back.
    const newer = Array.from({ length: CATCH_UP_PAGE + 20 }, (_, i) => `newer ${i}`);
    for (const text of newer) await group.sendText(text, { optimistic: true });
    await group.publishMessages();

    await agent.client.conversations.sync();
    const agentGroup = (await agent.client.conversations.getConversationById(group.id))!;
    await agentGroup.sync();
    const all = await agentGroup.messages({ direction: Direction.Descending });
    const handledLive = all.filter((m) => typeof m.content === "string" && m.content.startsWith("newer "));
    expect(handledLive).toHaveLength(newer.length);
    await recordDropped(
      "identity-1",
      handledLive.map((m) => m.id),
    );

    const horizon = new Date(Date.now() - 3_600_000);
    const read = (since?: Date) =>
      unansweredMessages(agentGroup as Group<unknown>, "identity-1", agent.client.inboxId, horizon, since);
    // Without the gap, the first page is all handled and the pass stops there (the start-up rule).
    expect(await read()).toEqual([]);
    expect((await read(gapSince)).map((m) => m.content)).toEqual(["a question during the pause"]);
  });
});
