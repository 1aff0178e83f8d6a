/**
 * What the responder gets besides the text, for one message: the history,
 * the conversation's members and time (group.ts), and the agent's tools with
 * their ledger-backed session (model only: the offline responder has none).
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import { TOOLS, toolsNamed, type MessageRef, type Tool } from "@/lib/agents/tools";
import type { AgentState } from "@/lib/agents/policy";
import type { AnswerContext } from "./answer";
import { messageResolver, type GroupContext } from "./group";
import { historyBefore } from "./history";
import type { ResponderInput } from "./responder";
import { toolSession } from "./tool-session";

/** The agent's tools: its template's, or every tool for an agent without a template (an API claim); none the server can't offer. */
export const toolsOf = (agent: Pick<AgentState, "tools">): Tool[] =>
  (agent.tools === null ? [...TOOLS] : toolsNamed(agent.tools)).filter((t) => !t.unavailable?.());

export async function answerInput(
  ctx: AnswerContext,
  agent: AgentState,
  m: DecodedMessage<unknown>,
  text: string,
  cap: number | undefined,
): Promise<ResponderInput> {
  // The offline responder reads neither names nor tools: no need to look members up for it.
  const [history, members] = await Promise.all([
    historyBefore(ctx.group, m, ctx.ownInboxId),
    ctx.responder.usesModel ? ctx.members.members() : [],
  ]);
  const message: MessageRef = { id: m.id, senderInboxId: m.senderInboxId };
  const nameOf = (inboxId: string) => ctx.members.nameOf(inboxId);
  const group: GroupContext = {
    ownInboxId: ctx.ownInboxId,
    members,
    nameOf,
    timeZone: agent.timeZone,
    now: new Date(),
    message,
  };
  const tools = ctx.responder.usesModel ? toolsOf(agent) : [];
  return {
    agentName: agent.name,
    instructions: agent.instructions,
    text,
    senderInboxId: m.senderInboxId,
    history,
    signal: ctx.signal,
    group,
    tokenBudget: cap == null ? undefined : Math.max(0, cap - agent.tokensUsed),
    tools:
      tools.length === 0
        ? undefined
        : toolSession({
            tools,
            key: { identityId: ctx.identity.id, messageId: m.id },
            context: {
              agentId: ctx.agentId,
              identityId: ctx.identity.id,
              conversationId: ctx.group.id,
              group: ctx.group,
              ownInboxId: ctx.ownInboxId,
              message,
              resolveMessage: messageResolver(message, history),
              nameOf,
              timeZone: agent.timeZone,
            },
            log: ctx.log,
            signal: ctx.signal,
          }),
  };
}
