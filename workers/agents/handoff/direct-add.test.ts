/**
 * Direct add against the real parts: the official Convos CLI (each person its own CONVOS_HOME) adds the
 * agent to its conversation by inbox id, with `conversation add-members`, as current clients do.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { claimAgent } from "@/lib/agents/claim";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { claimJoin } from "@/lib/agents/join-claim";
import { newIdentity, openTestConversation, waitFor } from "@/test/convos";
import { convos, convosText } from "@/test/convos-cli";
import { ask, joinAs, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { HANDING_OVER_LINE, NOT_CLAIMANT_LINE, ONE_CONVERSATION_LINE } from "./direct-add";

const run = withRunningWorker({
  idle: 3,
  prefix: "direct-add",
  settings: { AGENT_EXTRA_CONVERSATIONS_MAX: 1 },
});
const OFFLINE = /no language model is configured/;

/**
 * Waits on a probe that runs the official CLI: every 2 s, not the default ten times a second, since each
 * probe is a process that loads the SDK and syncs the conversation (a CPU-second or more; on a loaded
 * machine, back-to-back probes starve the worker). Where our database already tells when the agent has
 * spoken, the test waits for that first, so the CLI reads once or twice.
 */
const cliWait = <T>(what: string, probe: () => Promise<T>) => waitFor(what, probe, 90_000, 2_000);

/** Until the agent's identity has answered a message (its ledger row is `answered` once sent). */
const answeredSoFar = (identityId: string) =>
  run.db.handledMessage.count({ where: { identityId, kind: "answered" } });

/** One person on the official CLI, with a home of its own (never ~/.convos). */
function person(name: string) {
  const home = path.join(run.tmp.dir, `cli-${name}`);
  const cli = (...args: string[]) => convos(home, ...args);
  return {
    cli,
    init: () => convosText(home, "init"),
    /** The install's inbox id (registered with its first conversation). */
    async inboxId(): Promise<string> {
      const out = JSON.stringify(await cli("identity", "info"));
      return /([0-9a-f]{64})/.exec(out)?.[1] ?? "";
    },
    async create(title: string): Promise<string> {
      const out = (await cli("conversations", "create", "--name", title, "--profile-name", name)) as {
        conversationId?: string;
        id?: string;
      };
      return out.conversationId ?? out.id ?? "";
    },
    add: (conversationId: string, inboxId: string) =>
      cli("conversation", "add-members", conversationId, inboxId),
    say: (conversationId: string, text: string) => cli("conversation", "send-text", conversationId, text),
    async texts(conversationId: string): Promise<{ sender: string; text: string }[]> {
      const out = (await cli("conversation", "messages", conversationId, "--sync")) as {
        senderInboxId: string;
        content: unknown;
        contentType?: { typeId?: string };
      }[];
      return out
        .filter((m) => m.contentType?.typeId === "text")
        .map((m) => ({ sender: m.senderInboxId, text: String(m.content) }));
    },
  };
}

/**
 * A step's limit. The first four tests below take one direct-added agent through four steps, each starting
 * where the one before ended (vitest runs a file's tests in order). A step is some ten processes of the
 * official CLI, which on a loaded machine take up to ten seconds each: one test for all four steps outran
 * its 240 s in full runs.
 */
const STEP_TIMEOUT_MS = 240_000;

describe("direct add", () => {
  const owner = person("owner");
  const stranger = person("stranger");
  let home = "";
  let theirs = "";
  let inboxId = "";
  let claim: Awaited<ReturnType<typeof claimAgent>> | undefined;
  const claimed = () => {
    if (!claim) throw new Error("the first step made no claim");
    return claim;
  };

  it(
    "leaves a stranger's add, saying so, and still waits for its claimant",
    async () => {
      await owner.init();
      await stranger.init();
      home = await owner.create("Our room");
      theirs = await stranger.create("Not yours");
      const ownerInbox = await owner.inboxId();
      claim = await claimAgent({
        ownerId: null,
        name: "Added Helper",
        instructions: "Helps where it is added.",
        directAdd: true,
        adderInboxId: ownerInbox,
      });
      inboxId = claim.inboxId ?? "";
      expect(inboxId).toMatch(/^[0-9a-f]{64}$/);
      expect(claim.inviteUrl).toBeUndefined();

      await stranger.add(theirs, inboxId);
      await cliWait("the refusal", async () =>
        (await stranger.texts(theirs)).some((m) => m.sender === inboxId && m.text === NOT_CLAIMANT_LINE),
      );
      expect((await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).status).toBe("ready");
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "goes live where its claimant adds it, quietly, and answers",
    async () => {
      const { agentId, identityId } = claimed();
      await owner.add(home, inboxId);
      const agent = await waitFor("live in the owner's conversation", async () => {
        const row = await run.db.agent.findUniqueOrThrow({ where: { id: agentId } });
        return row.status === "live" ? row : null;
      });
      expect(agent.source).toBe("direct");
      const identity = await run.db.identity.findUniqueOrThrow({ where: { id: identityId } });
      expect(identity).toMatchObject({
        conversationId: home,
        role: "joiner",
        addDeadline: null,
        inviteUrl: null,
      });

      await owner.say(home, "hello there");
      await waitFor("the answer sent", async () => (await answeredSoFar(identity.id)) > 0, 60_000);
      const said = await cliWait("the answer", async () => {
        const mine = (await owner.texts(home)).filter((m) => m.sender === inboxId);
        return mine.some((m) => OFFLINE.test(m.text)) ? mine : null;
      });
      // No greeting: a direct add stays quiet until spoken to.
      expect(said.filter((m) => m.text.startsWith("Hi, I'm"))).toEqual([]);
      const profiles = JSON.stringify(await owner.cli("conversation", "profiles", home));
      expect(profiles).toContain("Added Helper");
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "hands a second add over to a fresh inbox within its allowance, which answers there",
    async () => {
      const { agentId } = claimed();
      const second = await owner.create("Second room");
      await owner.add(second, inboxId);
      // The agent adds a fresh inbox of its own, which goes live there, then says it hands over and leaves.
      const extra = await waitFor(
        "the fresh inbox live there",
        () =>
          run.db.identity.findFirst({
            where: { agentId, conversationId: second, status: "live", isOwnerConversation: false },
          }),
        60_000,
      );
      expect(extra.inboxId).not.toBe(inboxId);
      await cliWait("the hand-over", async () =>
        (await owner.texts(second)).some((m) => m.sender === inboxId && m.text === HANDING_OVER_LINE),
      );
      await owner.say(second, "and here?");
      await waitFor("the fresh inbox's answer sent", async () => (await answeredSoFar(extra.id)) > 0, 60_000);
      await cliWait("the fresh inbox's answer", async () =>
        (await owner.texts(second)).some((m) => m.sender === extra.inboxId && OFFLINE.test(m.text)),
      );
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "refuses a third add, past its allowance, and never refuses a conversation twice",
    async () => {
      const { agentId } = claimed();
      const third = await owner.create("Third room");
      await owner.add(third, inboxId);
      await cliWait("the refusal of a third", async () =>
        (await owner.texts(third)).some((m) => m.sender === inboxId && m.text === ONE_CONVERSATION_LINE),
      );
      expect((await run.db.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe("live");
      // A conversation it asked to leave is never refused twice (not when it went live, nor later).
      const toStranger = (await stranger.texts(theirs)).filter((m) => m.sender === inboxId);
      expect(toStranger.map((m) => m.text)).toEqual([NOT_CLAIMANT_LINE]);
    },
    STEP_TIMEOUT_MS,
  );

  it("a claim nobody adds in time goes back to the pool and its agent stops", async () => {
    const claim = await claimWarmIdentity(
      { ownerId: null, templateId: null, name: "Never Added", instructions: "Waits." },
      undefined,
      { waitMs: 1_500, expectedFrom: null },
    );
    const released = await waitFor("released to the pool", async () => {
      const row = await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } });
      return row.status === "idle" ? row : null;
    });
    expect(released).toMatchObject({ agentId: null, addDeadline: null, leaseOwner: null });
    expect(released.inviteUrl).not.toBeNull();
    expect(await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).toMatchObject({
      status: "stopped",
      stopReason: "not_added",
    });
  });
});

describe("greeting on arrival", () => {
  it("a join whose greeting is on greets the conversation it joined, once", async () => {
    const conversation = await openTestConversation(run.tmp.dir, { name: "Book club", creatorName: "Ada" });
    try {
      const claim = await claimJoin({
        ownerId: null,
        templateId: null,
        name: "Chatty",
        instructions: "Says hello first.\nMore.",
        greeting: true,
        inviteUrl: conversation.url,
      });
      await waitFor("the greeting", async () =>
        (await texts(conversation.group)).some((m) => m.text === "Hi, I'm Chatty! Says hello first."),
      );
      const agent = await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } });
      expect(agent.status).toBe("live");
      const greetings = (await texts(conversation.group)).filter((m) => m.text.startsWith("Hi, I'm"));
      expect(greetings).toHaveLength(1);
    } finally {
      await conversation.stop();
    }
  });

  it("a launch whose greeting is off answers without greeting", async () => {
    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: "Quiet One",
      instructions: "Says nothing first.",
      greeting: false,
    });
    const person = await newIdentity(run.tmp.dir);
    const group = await joinAs(person, claim.inviteUrl);
    const identity = await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } });
    // The first person in steers an ownerless agent: with no greeting to wait for, wait for that.
    await waitFor("the first person an operator", async () =>
      (await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).operators.includes(
        person.client.inboxId,
      ),
    );
    const [answer] = await ask(group, identity.inboxId ?? "", "hi");
    expect(answer).toMatch(OFFLINE);
    const said = (await texts(group)).filter((m) => m.sender === identity.inboxId).map((m) => m.text);
    expect(said.filter((t) => t.startsWith("Hi, I'm"))).toEqual([]);
  });
});
