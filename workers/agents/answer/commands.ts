/**
 * Operators' commands in the owner conversation: /help,
 * /invite [name] [--expires 24h] [--single-use], /join <url>, /conversations,
 * /revoke [conversation], /lock [conversation], /unlock [conversation],
 * /policy <value>, /approve <code>, /allow <inbox id>, /deny <inbox id>,
 * /forget all [conversation] (lib/memory/command.ts). Anyone else
 * is refused politely under `open` and `allowlist`, and gets no reply at all
 * under `pairing` and `disabled` (an agent that answers every stranger's
 * "/help" could be used to flood its own conversation); an unknown command
 * gets the help; an error (pool empty, bad invite) gets one short line.
 * While the agent has no operator at all (its owner has not yet posted the
 * code from its page, see lib/agents/operators.ts), every command gets the
 * one line that says how to become one, under every policy: the owner is a
 * stranger to the agent until then, and would otherwise hear nothing.
 *
 * /revoke, /lock and /unlock act on the conversation they are sent in (the
 * owner conversation) or on one named by its name or its number in
 * /conversations; the worker running that conversation carries them out
 * (lib/invites/requests.ts). Bad options and a conversation the agent does
 * not have or did not create get one line, and nothing is asked of a worker.
 */
import { allowInbox, denyInbox } from "@/lib/agents/operators";
import { AppError } from "@/lib/errors";
import { forgetCommand } from "@/lib/memory/command";
import { approvePairing, setDmPolicy, type AgentState } from "@/lib/agents/policy";
import {
  agentConversations,
  conversationsText,
  findConversation,
  type AgentConversation,
} from "@/lib/invites/conversations";
import { expiryOf, parseInviteArgs, type InviteOptions } from "@/lib/invites/options";
import {
  awaitInviteRequest,
  changeInvites,
  forgetInviteRequests,
  requestInviteChange,
} from "@/lib/invites/requests";
import type { ConversationOps } from "./contracts";

export const HELP = [
  "Commands (for my operators, in this conversation):",
  "/invite [name] [--expires 24h] [--single-use] — a new conversation with me, under its own identity; I reply with its invite link",
  "/join <invite link> — I join another conversation with a fresh identity",
  "/conversations — my conversations, their members and invites",
  "/revoke [conversation] [--expires 24h] [--single-use] — old invite links stop working; I reply with a new one",
  "/lock [conversation] — nobody new can join; /unlock [conversation] — they can again, with a new link",
  "/policy open|allowlist|pairing|disabled — who may talk to me",
  "/approve <code> — let someone who got a pairing code talk to me",
  "/allow <inbox id> — add someone to my allowlist; /deny <inbox id> — take them off it",
  "/forget all [conversation] — I forget everything I remember of this conversation (or the one named)",
  "/help — this list",
].join("\n");

export const REFUSED = "Sorry, only my operators can use commands here.";

/** What a command gets while the agent has no operator; also said after the greeting then. */
export const noOperatorYet = (agentId: string, publicUrl: string) =>
  `Nobody steers me yet: my owner becomes my operator by posting here the code shown on my page, ${new URL(`/agents/${agentId}`, publicUrl).href}`;

const POLICIES = ["open", "allowlist", "pairing", "disabled"] as const;
const POLICY_TEXT: Record<(typeof POLICIES)[number], string> = {
  open: "I answer everyone in my conversations.",
  allowlist: "I answer only the people on my allowlist (and my operators).",
  pairing: "people I don't know get a pairing code; I answer them once an operator approves it.",
  disabled: "I answer only my operators.",
};

export interface CommandInput {
  text: string;
  sender: string;
  agent: AgentState;
  ops: ConversationOps;
  /** The web app's address, for the owner's page link (PUBLIC_URL). */
  publicUrl: string;
  /** Sends a later message (the outcome of /join). */
  sayLater(outcome: Promise<string>): void;
}

/** True for text that is a command. */
export const isCommand = (text: string) => /^\/[a-z]/i.test(text.trim());

/** Runs one command; resolves with the reply, or null for no reply (a non-operator under pairing or disabled). */
export async function runCommand(c: CommandInput): Promise<string | null> {
  if (c.agent.operators.length === 0) return noOperatorYet(c.agent.id, c.publicUrl);
  if (!c.agent.operators.includes(c.sender))
    return c.agent.dmPolicy === "pairing" || c.agent.dmPolicy === "disabled" ? null : REFUSED;
  const [word, ...rest] = c.text.trim().split(/\s+/);
  const arg = rest.join(" ").trim();
  try {
    switch (word.toLowerCase()) {
      case "/invite": {
        const parsed = parseInviteArgs(arg);
        if (!parsed.ok) return parsed.error;
        const name = parsed.name || c.agent.name;
        const url = await c.ops.invite(c.agent.id, name, parsed.options);
        return `New conversation "${name}" is ready. Invite link${traits(parsed.options)}: ${url}`;
      }
      case "/conversations":
        return conversationsText(await refreshedConversations(c.agent));
      case "/revoke":
      case "/lock":
      case "/unlock":
        return changeCommand(c.agent, word.toLowerCase().slice(1) as "revoke" | "lock" | "unlock", arg);
      case "/join": {
        if (!arg) return "Usage: /join <invite link>";
        const { outcome } = await c.ops.join(c.agent.id, arg);
        c.sayLater(outcome);
        return "Joining that conversation…";
      }
      case "/policy": {
        const value = arg.toLowerCase() as (typeof POLICIES)[number];
        if (!POLICIES.includes(value))
          return `Usage: /policy ${POLICIES.join("|")} (now: ${c.agent.dmPolicy})`;
        await setDmPolicy(c.agent.id, value);
        return `Policy set to ${value}: ${POLICY_TEXT[value]}`;
      }
      case "/approve": {
        if (!arg) return "Usage: /approve <code>";
        const inboxId = await approvePairing(c.agent.id, arg);
        return inboxId ? "Approved: I'll answer them from now on." : "No pending request has that code.";
      }
      case "/allow":
      case "/deny": {
        if (!arg) return `Usage: ${word.toLowerCase()} <inbox id>`;
        if (word.toLowerCase() === "/allow") {
          await allowInbox(c.agent.id, arg);
          return "Added to my allowlist.";
        }
        await denyInbox(c.agent.id, arg);
        return "Taken off my allowlist.";
      }
      case "/forget":
        return await forgetCommand(c.agent, arg);
      default:
        return HELP;
    }
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
}

const REFRESH_MS = 5_000;

/** The invite's traits in the /invite reply: " (single-use, expires in 24h)". */
function traits(o: InviteOptions): string {
  const t = [
    o.singleUse ? "single-use" : "",
    o.expiresInSeconds ? `expires ${expiryOf(o)!.toISOString().slice(0, 16).replace("T", " ")} UTC` : "",
  ];
  const shown = t.filter(Boolean);
  return shown.length ? ` (${shown.join(", ")})` : "";
}

/** The agent's conversations after asking each running one for its members and invite (up to REFRESH_MS). */
async function refreshedConversations(agent: AgentState): Promise<AgentConversation[]> {
  const before = await agentConversations(agent.id, agent.name);
  const asked = await Promise.all(
    before
      .filter((conv) => conv.status === "live")
      .map((conv) => requestInviteChange(agent.id, conv.identityId, { action: "refresh" })),
  );
  await Promise.all(asked.map((id) => awaitInviteRequest(id, REFRESH_MS)));
  await forgetInviteRequests(asked);
  return agentConversations(agent.id, agent.name);
}

/** /revoke, /lock, /unlock [conversation] [options]: checked here, carried out by the conversation's worker. */
async function changeCommand(
  agent: AgentState,
  action: "revoke" | "lock" | "unlock",
  arg: string,
): Promise<string> {
  const parsed = parseInviteArgs(arg);
  if (!parsed.ok) return parsed.error;
  if (action === "lock" && (parsed.options.singleUse || parsed.options.expiresInSeconds !== undefined))
    return "/lock takes no options: it makes no new link.";
  const list = await agentConversations(agent.id, agent.name);
  const target = parsed.name
    ? findConversation(list, parsed.name)
    : (list.find((conv) => conv.isOwnerConversation) ?? null);
  if (!target)
    return `I have no conversation called "${parsed.name.slice(0, 100)}": /conversations lists mine.`;
  if (target.role !== "creator")
    return `I didn't create "${target.name}", I joined it: its invites are its creator's.`;
  const { line } = await changeInvites(agent.id, target.identityId, {
    action,
    expiresAt: expiryOf(parsed.options),
    singleUse: parsed.options.singleUse,
  });
  return line;
}
