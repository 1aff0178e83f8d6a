/**
 * The tools that act in the conversation (react, reply, set_profile), on an
 * in-memory conversation: what each sends, to which message, and what the
 * model reads back. The same tools on the local XMTP node, through a worker
 * and the model, are in workers/agents/answer/tools.test.ts.
 */
import { describe, expect, it } from "vitest";
import { MemoryConversation } from "@/test/memory-conversation";
import { LinkAllowance } from "./links";
import { reactTool } from "./react";
import { replyTool } from "./reply";
import { setProfileTool } from "./set-profile";
import { ToolError, type MessageRef, type ToolContext } from "./types";

const AGENT = "agent-inbox";
const ANA = "ana-inbox";

/** A tool context over `conversation` answering `current`, where `earlier` is named by its first 8 characters. */
function contextOf(conversation: MemoryConversation, current: MessageRef, earlier: MessageRef) {
  let queued = 0;
  const ctx: ToolContext = {
    settings: {},
    agentId: "agent",
    identityId: "identity",
    conversationId: conversation.id,
    conversation,
    ownInboxId: AGENT,
    message: current,
    resolveMessage: (ref) => (!ref || ref === "current" ? current : ref === earlier.id ? earlier : undefined),
    nameOf: (inboxId) => inboxId,
    timeZone: "UTC",
    queued: () => void queued++,
    links: new LinkAllowance(),
    tx: undefined as never, // none of these tools writes to the database
  };
  return { ctx, queued: () => queued };
}

function room() {
  const conversation = new MemoryConversation(AGENT, [ANA]);
  const earlier = conversation.receive(ANA, "I'll bring the drinks");
  const current = conversation.receive(ANA, "thumbs up my drinks message and quote it");
  const ref = (m: MessageRef) => ({ id: m.id, senderInboxId: m.senderInboxId });
  return { conversation, earlier, current, ...contextOf(conversation, ref(current), ref(earlier)) };
}

describe("tools that act in the conversation", () => {
  it("react: one emoji on the message named, queued until the answer publishes it", async () => {
    const r = room();
    expect(await reactTool.run({ message: r.earlier.id, emoji: " 👍 " }, r.ctx)).toBe("Reacted 👍.");
    expect(r.conversation.sent).toEqual([
      {
        kind: "reaction",
        id: expect.any(String),
        to: { id: r.earlier.id, senderInboxId: ANA },
        emoji: "👍",
        removed: false,
        published: false,
      },
    ]);
    expect(r.queued()).toBe(1); // the answer knows to publish it
    await r.conversation.send("Done.");
    expect(r.conversation.sent[0]).toMatchObject({ published: true });
  });

  it("react refuses two emojis and an unknown reference, sending nothing", async () => {
    const r = room();
    await expect(reactTool.run({ message: undefined, emoji: "👍👍" }, r.ctx)).rejects.toThrow(ToolError);
    await expect(reactTool.run({ message: "zzzz", emoji: "👍" }, r.ctx)).rejects.toThrow(
      'no message with the reference "zzzz"',
    );
    expect(r.conversation.sent).toEqual([]);
    expect(r.queued()).toBe(0);
  });

  it("reply quotes the message named (the one answered by default) with the text trimmed", async () => {
    const r = room();
    const read = await replyTool.run({ message: r.earlier.id, text: "  Great, thanks!  " }, r.ctx);
    expect(read).toBe("Reply sent (do not repeat its text in your answer).");
    await replyTool.run({ message: undefined, text: "On it." }, r.ctx);
    expect(r.conversation.sent.map((s) => (s.kind === "reply" ? [s.to.id, s.text] : s.kind))).toEqual([
      [r.earlier.id, "Great, thanks!"],
      [r.current.id, "On it."],
    ]);
  });

  it("set_profile changes the agent's name in this conversation", async () => {
    const r = room();
    expect(await setProfileTool.run({ name: "Chef Bot" }, r.ctx)).toBe(
      "Your name in this conversation is now Chef Bot.",
    );
    expect(await r.conversation.profileName(AGENT)).toBe("Chef Bot");
    expect(r.conversation.sent).toEqual([{ kind: "profile", id: expect.any(String), name: "Chef Bot" }]);
  });
});
