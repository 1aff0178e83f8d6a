/**
 * E-mail end to end, with the official Convos CLI as the member (a client that is not ours), the scripted
 * model and the loopback AgentMail (test/fake-agentmail.ts): the member asks the agent to e-mail a summary
 * to an address they wrote, and the fake records the send from the inbox made on that first use, whose
 * address the agent's profile then carries; an address nobody wrote is refused until an operator writes
 * the confirmation the agent relays; and an incoming mail, posted Svix-signed to the webhook route,
 * reaches the conversation as one line the member reads through the CLI.
 */
import { afterAll, describe, expect, it } from "vitest";
import { POST as agentMailWebhook } from "@/app/api/webhooks/agentmail/route";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { tempDir, waitFor } from "@/test/convos";
import { convos } from "@/test/convos-cli";
import { signedDelivery, startFakeAgentMail } from "@/test/fake-agentmail";
import { lastUserText, type RecordedRequest, type ScriptStep } from "@/test/scripted-model-server";
import { withRunningWorker } from "@/test/worker";

const fake = await startFakeAgentMail();
const SECRET = `whsec_${Buffer.from("the e-mail test's webhook secret").toString("base64")}`;
// The webhook route reads the settings from the environment, as the web app does; the worker gets the same.
const ENV = {
  AGENTMAIL_API_KEY: fake.apiKey,
  AGENTMAIL_DOMAIN: "mail.test",
  AGENTMAIL_WEBHOOK_SECRET: SECRET,
  AGENTMAIL_BASE_URL: fake.baseUrl,
};
const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
Object.assign(process.env, ENV);

const run = withRunningWorker({
  idle: 1,
  prefix: "email",
  model: { timeoutMs: 8_000, maxRetries: 0 },
  tearDown: () => fake.close(),
});
const home = tempDir("email-cli-");
const cli = (...args: string[]) => convos<Record<string, unknown>>(home.dir, ...args);

afterAll(() => {
  home.remove();
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

const mail = (to: string, invite?: { title: string; start: string }): ScriptStep => ({
  toolCalls: [
    { name: "email", arguments: { to: [to], subject: "Summary", text: "We picked Friday.", invite } },
  ],
});

/** The model: e-mails whom the member's words say, then says the tool's result. */
function model(r: RecordedRequest): ScriptStep {
  const last = r.messages.at(-1)!;
  if (last.role === "tool") return { text: last.content as string };
  const asked = lastUserText(r);
  if (asked.includes("sam@example.com"))
    return mail("sam@example.com", { title: "Planning", start: "2026-12-24T18:00" });
  if (asked.includes("my boss") || asked.startsWith("confirm email")) return mail("boss@corp.example");
  return { text: `echo: ${asked}` };
}

interface CliMessage {
  senderInboxId: string;
  content: unknown;
}

/** The texts the CLI reads in the conversation, oldest first. */
async function cliTexts(conversationId: string): Promise<string[]> {
  const out = (await cli("conversation", "messages", conversationId, "--sync", "--limit", "30")) as unknown;
  const messages = (Array.isArray(out) ? out : []) as CliMessage[];
  return messages
    .map((m) => m.content)
    .filter((c): c is string => typeof c === "string")
    .reverse();
}

/** Sends `text` as the CLI member and waits for an agent text that matches `answer`. */
async function say(conversationId: string, text: string, answer: RegExp): Promise<string> {
  await cli("conversation", "send-text", conversationId, text);
  return waitFor(
    `an answer to "${text}"`,
    async () => (await cliTexts(conversationId)).find((t) => answer.test(t)),
    60_000,
    500,
  );
}

describe("e-mail", () => {
  it("sends what a member asks to an address they wrote, asks an operator for others, and posts incoming mail", async () => {
    run.model.setDefault(model);
    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: "Scribe",
      instructions: "Help.",
    });
    await waitFor(
      "the agent live",
      async () =>
        (await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } })).status === "live",
      30_000,
    );
    const joined = await cli("conversations", "join", claim.inviteUrl, "--timeout", "60");
    expect(joined.status).toBe("joined");
    const conversationId = joined.conversationId as string;

    // Named by the member: sent, from the inbox made on this first use.
    const sent = await say(conversationId, "Please e-mail a summary to sam@example.com", /^Sent from /);
    const inbox = await run.db.agentMailInbox.findUniqueOrThrow({ where: { agentId: claim.agentId } });
    expect(sent).toBe(`Sent from ${inbox.address} to sam@example.com: "Summary" with planning.ics.`);
    expect(fake.sent()).toMatchObject([
      { inbox_id: inbox.inboxId, to: ["sam@example.com"], subject: "Summary" },
    ]);
    // The invite is made by our code (lib/files/ics.ts) from the facts the model gave.
    const [file] = fake.sent()[0].attachments ?? [];
    expect(file).toMatchObject({ filename: "planning.ics", content_type: "text/calendar" });
    expect(Buffer.from(file.content, "base64").toString()).toMatch(
      /^BEGIN:VCALENDAR\r\n[\s\S]*SUMMARY:Planning\r\n/,
    );
    expect(await run.db.providerUsage.findMany({ where: { agentId: claim.agentId } })).toMatchObject([
      { provider: "agentmail", sent: 1 },
    ]);
    const agentInbox = (await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } })).inboxId;
    await waitFor("the address in the agent's profile", async () => {
      const { profiles } = (await cli("conversation", "profiles", conversationId)) as {
        profiles: { inboxId: string; metadata?: Record<string, { value: string }> }[];
      };
      return profiles.find((p) => p.inboxId === agentInbox)?.metadata?.email?.value === inbox.address;
    });

    // Nobody wrote this one: refused, until the operator (the CLI member, first in) writes the code.
    const refusal = await say(conversationId, "Now send it to my boss", /confirm email [0-9a-f]{6}/);
    expect(fake.sent()).toHaveLength(1);
    const phrase = /confirm email [0-9a-f]{6}/.exec(refusal)![0];
    await say(conversationId, phrase, /^Sent from .* to boss@corp\.example/);
    expect(fake.sent().map((m) => m.to)).toEqual([["sam@example.com"], ["boss@corp.example"]]);

    // An incoming mail, posted as AgentMail posts it: one line in the conversation.
    const event = fake.receive(inbox.inboxId!, {
      from: "Sam <sam@example.com>",
      subject: "Re: Summary",
      text: "Friday works.",
    });
    const delivery = signedDelivery(SECRET, event);
    const res = await agentMailWebhook(
      new Request("http://localhost/api/webhooks/agentmail", { method: "POST", ...delivery }),
    );
    expect(res.status).toBe(200);
    const line = "New e-mail from Sam <sam@example.com>: Re: Summary";
    await waitFor("the line", async () => (await cliTexts(conversationId)).includes(line), 30_000, 500);
  });
});
