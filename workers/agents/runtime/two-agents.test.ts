/**
 * Two of our agents in one person's conversation, each with a model that would answer the other: an
 * agent's text is answered only when it names the agent, and never more than AGENT_STREAK_MAX times in a
 * row, so their exchange stops by itself; a person's next message starts a new round.
 */
import { describe, expect, it } from "vitest";
import { claimJoin } from "@/lib/agents/join-claim";
import { inviteToConversation, revokeInvites } from "@/lib/convos";
import { openTestConversation, waitFor, type TestConversation } from "@/test/convos";
import { lastUserText } from "@/test/scripted-model-server";
import { withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { AGENT_STREAK_MAX } from "./agent-loop";

const run = withRunningWorker({
  idle: 2,
  prefix: "agents-two",
  model: { timeoutMs: 4_000, maxRetries: 1, backoff: { baseMs: 20, capMs: 50 } },
  options: { thinkingAfterMs: 30_000 },
});

interface Joined {
  name: string;
  identityId: string;
  inbox: string;
}

/** Join-claims `url` as `name`, open to everyone (no pairing code between the agents). */
async function joinAgent(url: string, name: string): Promise<Joined> {
  const claim = await claimJoin({
    ownerId: null,
    templateId: null,
    name,
    instructions: "You chat.",
    inviteUrl: url,
  });
  await run.db.agent.update({ where: { id: claim.agentId }, data: { dmPolicy: "open" } });
  const identity = await waitFor(
    `${name} live in the room`,
    () =>
      run.db.identity.findFirst({
        where: { agentId: claim.agentId, status: "live", inboxId: { not: null } },
      }),
    60_000,
  );
  return { name, identityId: identity.id, inbox: identity.inboxId! };
}

/** Each agent's texts in the room so far. */
async function said(room: TestConversation, agents: Joined[]): Promise<number[]> {
  await room.group.sync();
  const all = await texts(room.group);
  return agents.map((a) => all.filter((m) => m.sender === a.inbox).length);
}

/** How many texts each agent has skipped so far. */
async function skipped(agents: Joined[]): Promise<number[]> {
  return Promise.all(
    agents.map((a) => run.db.handledMessage.count({ where: { identityId: a.identityId, kind: "skipped" } })),
  );
}

/** Waits until every agent has skipped one more text than `before` and has nothing in progress. */
async function settled(agents: Joined[], before: number[]): Promise<void> {
  await waitFor(
    "each agent leaving the other's last text unanswered",
    async () => {
      const now = await skipped(agents);
      if (now.some((n, i) => n <= before[i])) return false;
      const open = await run.db.handledMessage.count({
        where: {
          identityId: { in: agents.map((a) => a.identityId) },
          OR: [{ kind: { startsWith: "answering:" } }, { kind: "sending" }],
        },
      });
      return open === 0;
    },
    60_000,
  );
}

describe("two agents in one conversation", () => {
  it("answer a person, ignore each other unless named, and stop a named exchange after a few turns", async () => {
    const room = await openTestConversation(run.tmp.dir, { name: "Two agents" });
    try {
      const ava = await joinAgent(room.url, "Ava");
      await revokeInvites(room.group); // one agent per invite: Bob gets a fresh one
      const { url } = await inviteToConversation(
        room.creator.client,
        room.group,
        room.creator.privateKey,
        "local",
      );
      const bob = await joinAgent(url, "Bob");
      const agents = [ava, bob];
      let naming = false;
      run.model.setDefault((r) => {
        const me = /Your name is (\w+)\./.exec(String(r.messages[0].content))?.[1];
        const other = me === "Ava" ? "Bob" : "Ava";
        return { text: naming ? `${other}, over to you.` : `noted: ${lastUserText(r)}`, tokens: 1 };
      });

      // Not named: each answers the person once and leaves the other's answer alone.
      const before = await said(room, agents);
      await room.group.sendText("hello everyone");
      await settled(agents, await skipped(agents));
      expect((await said(room, agents)).map((n, i) => n - before[i])).toEqual([1, 1]);

      // Named each time: one answer to the person, then at most AGENT_STREAK_MAX to the other agent.
      naming = true;
      const named = await said(room, agents);
      let skips = await skipped(agents);
      await room.group.sendText("Ava and Bob, talk it over");
      await settled(agents, skips);
      expect((await said(room, agents)).map((n, i) => n - named[i])).toEqual([
        1 + AGENT_STREAK_MAX,
        1 + AGENT_STREAK_MAX,
      ]);

      // A person's message starts a new round: both answer it, and again each other a few times.
      const again = await said(room, agents);
      skips = await skipped(agents);
      await room.group.sendText("what now?");
      await settled(agents, skips);
      expect((await said(room, agents)).map((n, i) => n - again[i])).toEqual([
        1 + AGENT_STREAK_MAX,
        1 + AGENT_STREAK_MAX,
      ]);
    } finally {
      await room.stop();
    }
  });
});
