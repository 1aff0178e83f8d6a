/**
 * What we store, for how long, and who can see it, in plain words. Each sentence is backed by the code
 * named beside it, and the figures come from the running configuration, so the page can't drift from
 * what the product does.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { config } from "@/lib/config";
import { browserChatEnabled } from "@/lib/chat/guest";
import { SUMMARY_MAX_CHARS } from "@/lib/memory/summary";

export const metadata: Metadata = { title: "Privacy" };
export const dynamic = "force-dynamic";

/** The hosts answers are written at: LLM_BASE_URL's, and any other endpoint LLM_MODELS names (lib/llm/models.ts). */
function modelHosts(): string {
  const c = config();
  const urls = [
    c.LLM_BASE_URL,
    ...(c.LLM_MODELS ?? "").split(",").map((e) => e.slice(e.search(/@https?:\/\//) + 1)),
  ];
  const hosts = new Set<string>();
  for (const url of urls) {
    try {
      if (/^https?:\/\//.test(url.trim())) hosts.add(new URL(url.trim()).host);
    } catch {
      // Not a URL: a plain model name, served at LLM_BASE_URL.
    }
  }
  return [...hosts].join(", ");
}

export default function PrivacyPage() {
  const c = config();
  const days = c.RETENTION_DAYS;
  return (
    <article className="flex max-w-2xl flex-col gap-6 leading-relaxed" aria-labelledby="privacy-title">
      <h1 id="privacy-title" className="text-2xl font-semibold">
        Privacy
      </h1>
      <p>
        This page says what we store, for how long, and who can see it. You can download everything we hold
        about an agent, delete an agent, or delete your account at any time.
      </p>

      <Part title="Messages">
        {/* lib/ledger (ids only), lib/privacy/export.ts MESSAGE_TEXTS_NOTICE, lib/identities/identity-status.ts */}
        <li>
          Messages themselves are never stored in our database. The agent records the id of each message it
          reads, so that it answers it once, and those ids are deleted after {days} days.
        </li>
        <li>
          The agent&apos;s XMTP client keeps its conversation in a local database on our server, encrypted
          with a key of its own. When the agent stops, that key is wiped and the database file is deleted from
          the server that ran it.
        </li>
        {c.LLM_API_KEY ? (
          <li>
            To write an answer, the agent sends the conversation&apos;s recent messages, its instructions,
            what it remembers and its summary of earlier messages to the language model at {modelHosts()}.
          </li>
        ) : (
          <li>No language model is configured, so no message leaves this server to be answered.</li>
        )}
        {c.LLM_API_KEY && c.MEMORY_SUMMARY_AFTER > 0 ? (
          // lib/memory/summary.ts, workers/agents/answer/summary.ts
          <li>
            In a long conversation the agent keeps a summary of the messages it no longer reads when it
            answers: once {c.MEMORY_SUMMARY_AFTER} of them have piled up, it sends them and its earlier
            summary to the language model, which writes a new summary of at most{" "}
            {SUMMARY_MAX_CHARS.toLocaleString("en")} characters. That summary may quote messages, and it is
            stored in our database for that conversation alone.
          </li>
        ) : null}
        {browserChatEnabled() ? (
          <li>
            The browser chat on an agent&apos;s page joins the conversation as a guest whose keys are kept on
            this server&apos;s disk, one per user and agent, until you delete the agent or your account.
          </li>
        ) : null}
      </Part>

      <Part title="What we store">
        <li>Your account: your e-mail address, to send you sign-in links, and your name if you gave one.</li>
        <li>
          To limit sign-in e-mails, a SHA-256 hash of the e-mail address and of the network address that
          asked, never the addresses themselves.
        </li>
        <li>
          Each agent: its name, instructions and settings, its status and counts of messages and tokens, its
          conversations&apos; ids, inbox ids and invite links, and its XMTP keys, encrypted with AES-256-GCM.
        </li>
        <li>
          What the agent keeps for a conversation: what it remembers, its summary of earlier messages, lists,
          polls and their votes, reminders and schedules, and the arguments and results of its tool calls.
        </li>
        <li>Its timeline: when it was claimed, went live, failed, stopped, and similar events.</li>
      </Part>

      <Part title="For how long">
        <li>Your account and your agents: until you delete them.</li>
        <li>An agent&apos;s XMTP keys: until it stops, when they are wiped.</li>
        <li>
          What an agent remembers of a conversation, and its summary of earlier messages: until an operator
          sends /forget all there or you delete them on the agent&apos;s page, and at the latest until the
          agent leaves that conversation.
        </li>
        <li>Message ids, timeline events and pairing requests nobody approved: {days} days.</li>
        <li>Sign-in links: {days} days after they expire.</li>
        <li>Lists, polls, schedules and tool calls: until you delete the agent or your account.</li>
      </Part>

      <Part title="Who can see it">
        <li>You, on your agent&apos;s page, and in its download.</li>
        <li>
          The members of a conversation see what the agent says there. They don&apos;t see its summary of
          earlier messages or its memories as such, but the agent reads both when it answers there. What it
          remembers or summarises for one conversation is never used in another.
        </li>
        <li>
          The administrators of this service see each agent&apos;s name, status, owner&apos;s e-mail address
          and timeline, so they can run the service and stop an agent.
        </li>
      </Part>

      <Part title="Taking it with you, or erasing it">
        <li>
          On an agent&apos;s page, &ldquo;Download&rdquo; gives you everything we hold about it as JSON.
        </li>
        <li>
          &ldquo;Delete agent&rdquo; stops it; it leaves its conversations, then every row about it is erased:
          its keys, message ids, tool calls, lists, polls, schedules, memories, summaries and timeline.
        </li>
        <li>
          &ldquo;Delete my account&rdquo; on{" "}
          <Link href="/agents" className="text-accent underline">
            My agents
          </Link>{" "}
          does the same for each of your agents, then erases your account and your sign-in sessions.
        </li>
        <li>
          Messages already sent stay with the members of the conversation, on their devices: we cannot erase
          those.
        </li>
      </Part>
    </article>
  );
}

function Part({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-2">
      <h2 className="text-lg font-semibold">{title}</h2>
      <ul className="flex list-disc flex-col gap-2 pl-5">{children}</ul>
    </section>
  );
}
