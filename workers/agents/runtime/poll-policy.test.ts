/**
 * Poll votes obey the agent's DM policy, on the real parts (PostgreSQL, the local XMTP node, node-sdk
 * clients, the scripted model): a member the agent does not hear (pairing not yet approved, or the
 * policy `disabled`) can vote by reply or reaction, and nothing is counted; once approved, their vote
 * counts like the operator's.
 */
import { encodeText, type DecodedMessage, type Group } from "@xmtp/node-sdk";
import { describe, expect, it } from "vitest";
import { approvePairing } from "@/lib/agents/policy";
import { optionEmoji } from "@/lib/polls/votes";
import { newIdentity, waitFor } from "@/test/convos";
import { joinAs, launchAndJoin, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { Reactions } from "@/workers/agents/answer/history";
import { pairingText } from "@/workers/agents/answer/answer";

const run = withRunningWorker({
  idle: 2,
  prefix: "agents-poll-policy",
  poolTimeoutMs: 60_000,
  model: { timeoutMs: 8_000, maxRetries: 0 },
});

const messagesOf = async (group: Group<unknown>) => {
  await group.sync();
  return (await group.messages()) as DecodedMessage<unknown>[];
};

describe("poll votes and the DM policy", () => {
  it("a member not yet paired, or anyone under disabled, votes without being counted", async () => {
    const room = await launchAndJoin(run.tmp.dir, "Pollster", "Help.");
    const alice = room.operator.client.inboxId;
    // Alice is the operator whatever the launch rules say; the policy stays the default, pairing.
    await run.db.agent.update({ where: { id: room.agentId }, data: { operators: [alice] } });
    expect((await run.db.agent.findUniqueOrThrow({ where: { id: room.agentId } })).dmPolicy).toBe("pairing");

    run.model.script(
      {
        toolCalls: [
          { name: "poll", arguments: { action: "create", question: "Lunch?", options: ["A", "B", "C"] } },
        ],
      },
      { text: "" },
    );
    await room.group.sendText("poll us on lunch");
    const poll = await waitFor("the poll", async () =>
      (await messagesOf(room.group)).find(
        (m) => typeof m.content === "string" && m.content.startsWith("📊 Lunch?"),
      ),
    );

    const bob = await newIdentity(run.tmp.dir);
    const bobGroup = await joinAs(bob, room.inviteUrl);
    await bobGroup.sync();
    const react = (g: Group<unknown>, option: number) =>
      g.sendReaction({
        reference: poll.id,
        referenceInboxId: room.agentInbox,
        action: Reactions.Added,
        content: optionEmoji(option),
        schema: Reactions.Unicode,
      });
    const reply = (g: Group<unknown>, option: number) =>
      g.sendReply({
        reference: poll.id,
        referenceInboxId: room.agentInbox,
        content: encodeText(String(option)),
      });
    const votes = async () =>
      Object.fromEntries(
        (await run.db.pollVote.findMany({ select: { voter: true, option: true } })).map((v) => [
          v.voter,
          v.option,
        ]),
      );

    // Bob has no approved pairing: his reaction and his reply are read (in order, before Alice's vote) and not counted.
    await react(bobGroup, 1);
    await reply(bobGroup, 2);
    await react(room.group, 3);
    await waitFor("Alice's vote", async () => (await votes())[alice] === 3);
    expect(await votes()).toEqual({ [alice]: 3 });
    // A vote is not answered: Bob got no pairing code for it.
    expect((await texts(bobGroup)).some((m) => m.text.startsWith("Hi! I only talk"))).toBe(false);

    // Bob asks, gets his code, is approved: now his vote counts.
    await bobGroup.sendText("hello?");
    const code = await waitFor("Bob's pairing code", async () => {
      const request = await run.db.pairingRequest.findFirst({
        where: { agentId: room.agentId, inboxId: bob.client.inboxId },
      });
      return request?.code;
    });
    await waitFor("the pairing text", async () =>
      (await texts(bobGroup)).some((m) => m.text === pairingText(code)),
    );
    expect(await approvePairing(room.agentId, code)).toBe(bob.client.inboxId);
    await react(bobGroup, 1);
    await waitFor("Bob's vote", async () => (await votes())[bob.client.inboxId] === 1);

    // Under disabled no member's vote changes anything, an approved one's neither; the operator's still counts.
    await run.db.agent.update({ where: { id: room.agentId }, data: { dmPolicy: "disabled" } });
    await reply(bobGroup, 2);
    await react(room.group, 1);
    await waitFor("Alice's new vote", async () => (await votes())[alice] === 1);
    expect(await votes()).toEqual({ [alice]: 1, [bob.client.inboxId]: 1 });
  });
});
