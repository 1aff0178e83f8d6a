/**
 * E-mail end to end through a running worker, with the scripted model and the loopback AgentMail
 * (test/fake-agentmail.ts): a member asks the agent to e-mail a summary to an address they wrote, and the
 * fake records the send (with the .ics invite our code made) from the inbox made on that first use, whose
 * address the agent's profile then carries; an address nobody wrote is refused until an operator writes
 * the confirmation the agent relays; an incoming mail, posted Svix-signed to the webhook route, reaches
 * the conversation as one line, which a second member reads through the official Convos CLI (a client that
 * is not ours); and stopping the agent deletes its inbox at AgentMail.
 */
import { afterAll, describe, expect, it } from "vitest";
import { POST as agentMailWebhook } from "@/app/api/webhooks/agentmail/route";
import { stopAgent } from "@/lib/agents/mutations";
import { tempDir, waitFor } from "@/test/convos";
import { convos } from "@/test/convos-cli";
import { signedDelivery, startFakeAgentMail } from "@/test/fake-agentmail";
import { lastUserText, type RecordedRequest, type ScriptStep } from "@/test/scripted-model-server";
import { ask, launchAndJoin, withRunningWorker } from "@/test/worker";

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

/** The texts the CLI reads in the conversation. */
async function cliTexts(conversationId: string): Promise<string[]> {
  const out = (await cli("conversation", "messages", conversationId, "--sync", "--limit", "30")) as unknown;
  return ((Array.isArray(out) ? out : []) as { content: unknown }[])
    .map((m) => m.content)
    .filter((c): c is string => typeof c === "string");
}

describe("e-mail", () => {
  it("mails what a member asks where they said, asks an operator for other addresses, posts incoming mail, and deletes the inbox on stop", async () => {
    run.model.setDefault(model);
    // The operator (first in) talks through node-sdk; a second member reads through the CLI.
    const a = await launchAndJoin(run.tmp.dir, "Scribe", "Help.");
    const joined = await cli("conversations", "join", a.inviteUrl, "--timeout", "60");
    expect(joined.status).toBe("joined");
    const conversationId = joined.conversationId as string;

    // Named by the member: sent, from the inbox made on this first use, with the invite our code made.
    const [sent] = await ask(a.group, a.agentInbox, "Please e-mail a summary to sam@example.com");
    const inbox = await run.db.agentMailInbox.findUniqueOrThrow({ where: { agentId: a.agentId } });
    expect(sent).toBe(`Sent from ${inbox.address} to sam@example.com: "Summary" with planning.ics.`);
    expect(fake.sent()).toMatchObject([
      { inbox_id: inbox.inboxId, to: ["sam@example.com"], subject: "Summary" },
    ]);
    const [file] = fake.sent()[0].attachments ?? [];
    expect(file).toMatchObject({ filename: "planning.ics", content_type: "text/calendar" });
    expect(Buffer.from(file.content, "base64").toString()).toMatch(
      /^BEGIN:VCALENDAR\r\n[\s\S]*SUMMARY:Planning\r\n/,
    );
    expect(await run.db.providerUsage.findMany({ where: { agentId: a.agentId } })).toMatchObject([
      { provider: "agentmail", sent: 1 },
    ]);

    // Nobody wrote this one: refused, until the operator writes the code the agent relays.
    const [refusal] = await ask(a.group, a.agentInbox, "Now send it to my boss");
    expect(refusal).toMatch(/^Error: not sent: nobody in this conversation has written boss@corp\.example/);
    expect(fake.sent()).toHaveLength(1);
    const phrase = /confirm email [0-9a-f]{6}/.exec(refusal)![0];
    const [confirmed] = await ask(a.group, a.agentInbox, phrase);
    expect(confirmed).toMatch(/^Sent from .* to boss@corp\.example: "Summary"\.$/);
    expect(fake.sent().map((m) => m.to)).toEqual([["sam@example.com"], ["boss@corp.example"]]);

    // An incoming mail, posted as AgentMail posts it: one line, read by the CLI member.
    const event = fake.receive(inbox.inboxId!, {
      from: "Sam <sam@example.com>",
      subject: "Re: Summary",
      text: "Friday works.",
    });
    const res = await agentMailWebhook(
      new Request("http://localhost/api/webhooks/agentmail", {
        method: "POST",
        ...signedDelivery(SECRET, event),
      }),
    );
    expect(res.status).toBe(200);
    const line = "New e-mail from Sam <sam@example.com>: Re: Summary";
    await waitFor(
      "the line, through the CLI",
      async () => (await cliTexts(conversationId)).includes(line),
      30_000,
      500,
    );
    // The CLI reads the address in the agent's profile too.
    const { profiles } = (await cli("conversation", "profiles", conversationId)) as {
      profiles: { inboxId: string; metadata?: Record<string, { value: string }> }[];
    };
    expect(profiles.find((p) => p.inboxId === a.agentInbox)?.metadata?.email?.value).toBe(inbox.address);

    // Stopped: the inbox goes at AgentMail and here.
    await stopAgent(a.agentId, { ownerId: null, actor: "test" });
    await waitFor("the inbox deleted", async () => !fake.inboxes.has(inbox.inboxId!), 30_000);
    await waitFor("its row gone", async () => (await run.db.agentMailInbox.count()) === 0);
  });
});
