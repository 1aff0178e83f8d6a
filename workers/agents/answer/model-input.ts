/**
 * What the responder gets besides the text, for one message: the history,
 * the conversation's members and time (group.ts), the conversation's memory
 * (lib/memory, bounded, after the instructions), and the agent's tools with
 * their ledger-backed session (model only: the offline responder has none).
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import { TOOLS, toolsNamed, type MessageRef, type Tool, type ToolSettings } from "@/lib/agents/tools";
import type { AgentState } from "@/lib/agents/policy";
import { spendHook } from "@/lib/llm/budget";
import { withMemory } from "@/lib/memory/memory";
import type { AnswerContext } from "./answer-context";
import { isAttachmentMessage, readAttachments, withAttachmentText } from "./attachments";
import type { ChatTurn, GroupContext, ResponderInput } from "./contracts";
import { messageResolver } from "./group";
import { historyBefore } from "./history";
import { toolSession } from "./tool-session";

/** The agent's tools: its template's, or every tool for an agent without a template (an API claim); none the server can't offer. */
export const toolsOf = (agent: Pick<AgentState, "tools">, settings: ToolSettings): Tool[] =>
  (agent.tools === null ? [...TOOLS] : toolsNamed(agent.tools)).filter((t) => !t.unavailable?.(settings));

export interface TurnOptions {
  /** No run took this turn before (the ledger's first take): no tool call can be recorded for it yet. */
  firstTake?: boolean;
}

/** The responder's input for a message `m` someone sent (its history read before it). */
export async function answerInput(
  ctx: AnswerContext,
  agent: AgentState,
  m: DecodedMessage<unknown>,
  text: string,
  cap: number | undefined,
  turn: TurnOptions = {},
): Promise<ResponderInput> {
  const history = await historyBefore(ctx.conversation, m, ctx.ownInboxId);
  const ref = { id: m.id, senderInboxId: m.senderInboxId };
  if (!isAttachmentMessage(m)) return responderInput(ctx, agent, ref, text, history, cap, turn);
  // Photos, voice notes and files (attachments.ts): words join the text, images go as parts.
  const read = await readAttachments(ctx, agent, m, cap);
  const input = await responderInput(ctx, agent, ref, withAttachmentText(text, read), history, cap, turn);
  return { ...input, images: read.images, attachmentNotes: read.notes };
}

/**
 * The responder's input for `text` as turn `message` (a member's message, or a scheduled task keyed by its
 * firing): members and time, the agent's tools with a session keyed by the turn, and (model only) the spend
 * hook every model call of the answer goes through.
 */
export async function responderInput(
  ctx: AnswerContext,
  agent: AgentState,
  message: MessageRef,
  text: string,
  history: ChatTurn[],
  cap: number | undefined,
  turn: TurnOptions = {},
): Promise<ResponderInput> {
  const usesModel = ctx.responder.usesModel;
  // The offline responder reads neither names nor tools: no need to look members up for it.
  const members = usesModel ? await ctx.members.members() : [];
  const nameOf = (inboxId: string) => ctx.members.nameOf(inboxId);
  const group: GroupContext = {
    ownInboxId: ctx.ownInboxId,
    members,
    nameOf,
    timeZone: agent.timeZone,
    now: new Date(),
    message,
  };
  const tools = usesModel ? toolsOf(agent, ctx.toolSettings) : [];
  return {
    agentId: agent.id,
    model: agent.model,
    agentName: agent.name,
    instructions: usesModel
      ? await withMemory(agent.instructions, { agentId: ctx.agentId, conversationId: ctx.conversation.id })
      : agent.instructions,
    text,
    senderInboxId: message.senderInboxId,
    history,
    signal: ctx.signal,
    group,
    tokenBudget: cap == null ? undefined : Math.max(0, cap - agent.tokensUsed),
    spend: usesModel ? spendHook(agent.id, cap, ctx.settings.LLM_PRICES) : undefined,
    tools:
      tools.length === 0
        ? undefined
        : toolSession({
            tools,
            key: { identityId: ctx.identity.id, messageId: message.id },
            firstTake: turn.firstTake ?? false,
            callMs: ctx.settings.AGENT_TOOL_CALL_MS,
            context: {
              settings: ctx.toolSettings,
              agentId: ctx.agentId,
              identityId: ctx.identity.id,
              conversationId: ctx.conversation.id,
              conversation: ctx.conversation,
              ownInboxId: ctx.ownInboxId,
              message,
              resolveMessage: messageResolver(message, history),
              nameOf,
              timeZone: agent.timeZone,
            },
            // A scheduled turn's task was written by the model: only members' own messages vouch for links.
            peopleWrote: [
              ...(message.senderInboxId ? [text] : []),
              ...history.filter((t) => t.role === "user" && t.messageId).map((t) => t.text),
            ],
            log: ctx.log,
            signal: ctx.signal,
          }),
  };
}
