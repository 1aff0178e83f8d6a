import type { Metadata } from "next";
import Link from "next/link";
import { Emoji } from "@/app/(catalog)/_components/emoji";
import { notFound } from "next/navigation";
import { AgentStatusLine, Conversations } from "@/app/(account)/agents/agent-details";
import { StopButton } from "@/app/(account)/agents/stop-button";
import { BrowserChat } from "./browser-chat";
import { Invites } from "./invites";
import { Operators } from "./operators";
import { Section } from "./section";
import { stoppedEventText, stopReasonText } from "@/lib/agents/lifecycle";
import { ensureOperatorCode, operatorsForOwner } from "@/lib/agents/operators";
import { Schedules } from "./schedules";
import { SharedLists } from "./shared-lists";
import { Memories } from "./memories";
import { PhoneNumberSection } from "./phone-number";
import { TimeZoneForm } from "./time-zone-form";
import { YourData } from "./your-data";
import { EmailSection } from "./email-section";
import { GreetingForm } from "./greeting-form";
import { ModelSetting } from "./model-setting";
import { ModelKey } from "./model-key";
import { ProviderUsage } from "./provider-usage";
import { Spend } from "./spend";
import { AwaitingAdd } from "./awaiting-add";
import { greetingChoice } from "@/lib/agents/greeting";
import { timeZoneChoices } from "@/lib/agents/time-zone";
import { agentTimeline, getAgentForOwner, ownerConversationInvite } from "@/lib/agents/queries";
import { requireUser } from "@/lib/auth/session";
import { browserChatEnabled } from "@/lib/chat/guest";

export const metadata: Metadata = { title: "Agent" };
export const dynamic = "force-dynamic";

const EVENT_LABELS: Record<string, string> = {
  claim: "Claimed",
  handoff: "Live: handed off to a worker",
  joined: "Joined the conversation",
  member_joined: "Someone joined",
  failure: "Failed",
  stopped: "Stopped",
  admin: "Changed by an admin",
  home_lost: "Lost its XMTP database: back once someone writes in the conversation",
  home_recovered: "Back in the conversation (earlier messages can't be read)",
  model_fallback: "Its model failed: the next allowed model answered",
};

/** One of the user's agents (someone else's answers 404): status timeline, conversations, invites, counts. */
export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/agents/${encodeURIComponent(id)}`);
  const agent = id.length <= 64 ? await getAgentForOwner(id, user.id) : null;
  if (!agent) notFound();
  const timeline = await agentTimeline(agent.id);
  // An agent nobody steers yet always has a code here: it is how the owner becomes its operator.
  if (agent.status !== "stopped") await ensureOperatorCode(agent.id, user.id);
  const operators = await operatorsForOwner(agent.id, user.id);
  const waiting = agent.identities.find((i) => i.addDeadline !== null && i.inboxId !== null);
  const chat =
    browserChatEnabled() &&
    agent.status === "live" &&
    (await ownerConversationInvite(agent.id, user.id)) !== null;
  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Breadcrumb" className="text-sm text-ink-muted">
        <Link href="/agents" className="hover:text-accent hover:underline">
          My agents
        </Link>
      </nav>
      <header className="flex flex-col gap-2">
        <h1 className="flex items-center gap-2 text-2xl font-semibold">
          {agent.template ? <Emoji emoji={agent.template.emoji} size={28} /> : null}
          {agent.name}
        </h1>
        <p className="text-sm text-ink-muted">{agent.template?.name ?? "No template"}</p>
        <AgentStatusLine agent={agent} />
        {agent.status === "stopped" ? (
          <p className="text-sm text-ink-muted" data-testid="stop-reason">
            {agent.name} was {stopReasonText(agent.stopReason)}.
          </p>
        ) : null}
      </header>
      <Section id="conversations" title="Conversations">
        {waiting?.inboxId && waiting.addDeadline && agent.status !== "stopped" ? (
          <AwaitingAdd inboxId={waiting.inboxId} until={waiting.addDeadline} />
        ) : null}
        <Conversations agent={agent} />
      </Section>
      {agent.status !== "stopped" ? (
        <Section id="invites" title="Invites">
          <Invites agentId={agent.id} agentName={agent.name} />
        </Section>
      ) : null}
      {operators && agent.status !== "stopped" ? (
        <Section id="operators" title="Who steers it">
          <Operators agentId={agent.id} agentName={agent.name} view={operators} />
        </Section>
      ) : null}
      <Section id="settings" title="Settings">
        <TimeZoneForm agentId={agent.id} timeZone={agent.timeZone} zones={timeZoneChoices(agent.timeZone)} />
        <GreetingForm agentId={agent.id} greeting={greetingChoice(agent.greeting)} />
        <ModelSetting agentId={agent.id} ownerId={user.id} />
      </Section>
      <EmailSection agentId={agent.id} agentName={agent.name} />
      <Section id="spend" title="Spend">
        <Spend agentId={agent.id} ownerId={user.id} />
      </Section>
      {agent.status !== "stopped" ? <ModelKey agentId={agent.id} /> : null}
      <ProviderUsage agentId={agent.id} />
      <Section id="memory" title="What it remembers">
        <Memories agentId={agent.id} agentName={agent.name} />
      </Section>
      <PhoneNumberSection agentId={agent.id} agentName={agent.name} />
      <Section id="lists" title="Lists">
        <SharedLists agentId={agent.id} />
      </Section>
      <Section id="schedules" title="Reminders and schedules">
        <Schedules agentId={agent.id} />
      </Section>
      {chat ? (
        <Section id="chat" title="Chat in the browser">
          <BrowserChat agentId={agent.id} agentName={agent.name} />
        </Section>
      ) : null}
      <Section id="timeline" title="Timeline">
        <ol className="flex flex-col gap-2" data-testid="timeline">
          {timeline.map((event) => (
            <li key={String(event.id)} className="flex flex-wrap gap-x-3 text-sm">
              <time dateTime={event.createdAt.toISOString()} className="font-mono text-ink-muted">
                {event.createdAt.toISOString().replace("T", " ").slice(0, 19)}
              </time>
              <span>
                {event.kind === "stopped"
                  ? stoppedEventText(event.data)
                  : (EVENT_LABELS[event.kind] ?? event.kind)}
              </span>
              {event.latencyMs !== null ? <span className="text-ink-muted">{event.latencyMs} ms</span> : null}
              {event.error ? <span className="text-danger">{event.error}</span> : null}
            </li>
          ))}
        </ol>
      </Section>
      {agent.status !== "stopped" ? <StopButton agentId={agent.id} name={agent.name} /> : null}
      <Section id="your-data" title="Your data">
        <YourData agentId={agent.id} name={agent.name} />
      </Section>
    </div>
  );
}
