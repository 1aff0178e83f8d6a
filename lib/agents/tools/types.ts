/**
 * What a tool is: a function the model may call during an answer (OpenAI
 * `tools`), with a name, a badge and a one-line summary for the catalog, a
 * description and a zod schema of its arguments for the model, and where its
 * side effect lands, which decides how it is kept to once across restarts
 * (lib/ledger/tool-calls.ts):
 *
 *   database  a write run in the ledger's transaction: exactly once;
 *   message   something sent into the conversation: at most once;
 *   none      a read: safe to repeat.
 *
 * A tool's `run` returns the text the model reads back; a failure the model
 * should hear about is a ToolError (its message goes back as text).
 *
 * Tools that read the web (`readsWeb`) bring in text nobody in the
 * conversation wrote, which may carry instructions to the model: once one has
 * returned some in an answer, no tool with an effect runs in that answer
 * (workers/agents/answer/tool-session.ts), and fetch_url reads only links people
 * sent or this answer's search found (links.ts).
 */
import type { z } from "zod";
import type { Conversation, MessageRef } from "@/lib/agents/conversation";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TelnyxSettings } from "@/lib/providers/telnyx/settings";
import type { SearchSettings } from "@/lib/web/search";
import type { AgentMailSettings } from "@/lib/providers/agentmail/settings";
import type { FileSettings } from "@/lib/files/settings";
import type { LinkAllowance } from "./links";

export type { MessageRef } from "@/lib/agents/conversation";

/** Everything a tool may use while an agent answers one message. */
/** What tools read of the server's settings, resolved once by their caller (the worker at start, a page per request). */
export interface ToolSettings {
  /** The web search provider; undefined = web search is off. */
  search?: SearchSettings;
  /** Telnyx, for the `sms` tool; undefined = SMS is off. */
  telnyx?: TelnyxSettings;
  /** AgentMail (the e-mail tools); undefined = e-mail is off. */
  email?: AgentMailSettings;
  /** Where send_file stores what it sends; undefined = send_file is off. */
  files?: FileSettings;
}

export interface ToolContext {
  settings: ToolSettings;
  agentId: string;
  identityId: string;
  /** The XMTP conversation (group) id. */
  conversationId: string;
  /** The conversation: what the tools send into it (lib/agents/conversation.ts). */
  conversation: Conversation;
  ownInboxId: string;
  /** The message being answered. */
  message: MessageRef;
  /** The message a reference from the prompt names ("[ab12cd34]"); none or "current" = the message answered. */
  resolveMessage(ref?: string): MessageRef | undefined;
  /** A member's display name (their Convos profile name, else a short inbox id). */
  nameOf(inboxId: string): string;
  timeZone: string;
  /**
   * Says a message was sent optimistically (stored, not yet published): it goes out with the answer's text,
   * or when the answer ends without text. Saves the tool a network round trip of its own.
   */
  queued(): void;
  /** The links this answer may read (fetch_url), which web_search's results add to. */
  links: LinkAllowance;
  /** For `database` tools: the transaction the call's ledger entry is written in. */
  tx: Prisma.TransactionClient;
}

export type ToolEffect = "database" | "message" | "none";

export interface Tool<A = unknown> {
  /** The function name the model calls; also what Template.tools lists. */
  name: string;
  /** The catalog badge ("Lists", "Polls"). */
  label: string;
  /** One line for the template page: what the agent can do with it. */
  summary: string;
  /** What the model reads about it. */
  description: string;
  args: z.ZodType<A>;
  effect: ToolEffect;
  /** Its result is text from the web (pages, search results): after it, the answer's tools with effects are refused. */
  readsWeb?: true;
  /** fetch_url may read the links in its result, in the same answer (search results). */
  linksInResult?: true;
  /** The catalog shows its badge only where the server can offer it (an outside provider's tool: e-mail). */
  badgeOnlyWhenAvailable?: true;
  /** Why this server can't offer the tool (a setting is missing); such a tool is not given to the model. */
  unavailable?(settings: ToolSettings): string | undefined;
  run(args: A, ctx: ToolContext): Promise<string>;
}

/** A failure the model should read (bad reference, unknown list): its message goes back as the tool's result. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/** Declares a tool with its argument type inferred from the schema. */
export const defineTool = <S extends z.ZodType>(tool: Tool<z.infer<S>> & { args: S }): Tool<z.infer<S>> =>
  tool;
