/**
 * An agent's operators and allowlist, as its owner manages them on the
 * agent's page and operators from the chat (`/allow`, `/deny`): who steers
 * the agent (operators, with their profile names as the agent last saw them),
 * a one-time operator code (shown only to the owner: whoever posts it in the
 * chat becomes an operator, and the code is spent), and who may talk to it
 * under the `allowlist` policy. Owner writes check the owner in the statement;
 * every write is one conditional statement, so a code is redeemed once.
 *
 * How an owned agent gets its first operator: by the code, never by joining
 * first. Anyone who gets an invite link can join before the owner does, and a
 * profile name proves nothing, so while an agent with an owner has no
 * operator its page always shows a code (`ensureOperatorCode`), and the
 * owner posts it in the conversation. Until then nobody has the commands
 * (workers/agents/answer/commands.ts says how to get them). An agent without an owner
 * (a pool API claim) has nobody to show a code to: there the first person in
 * is still its operator (lib/agents/policy.ts, `setFirstOperator`).
 */
import { randomInt } from "node:crypto";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { CODE_ALPHABET } from "./policy";
import { AgentNotFoundError } from "./mutations";

/** XMTP inbox ids are 32 bytes in lower-case hex. */
const INBOX_ID = /^[0-9a-f]{64}$/;

export class InvalidInboxIdError extends AppError {
  constructor() {
    super("invalid_inbox_id", "An inbox id is 64 hexadecimal characters.", 400);
  }
}

/** The inbox id in canonical form, or throws InvalidInboxIdError. */
export function parseInboxId(text: string): string {
  const id = text.trim().toLowerCase().replace(/^0x/, "");
  if (!INBOX_ID.test(id)) throw new InvalidInboxIdError();
  return id;
}

const CODE_LENGTH = 10;
/** 10 characters of 32: 50 bits, out of reach of guessing at the chat's rate limits. */
const newCode = () =>
  Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");

export interface OperatorsView {
  operators: { inboxId: string; name: string | null }[];
  allowlist: string[];
  operatorCode: string | null;
}

/** The operators, allowlist and pending operator code of an agent the user owns, or null. */
export async function operatorsForOwner(agentId: string, ownerId: string): Promise<OperatorsView | null> {
  const agent = await db.agent.findFirst({
    where: { id: agentId, ownerId },
    select: { operators: true, operatorNames: true, allowlist: true, operatorCode: true },
  });
  if (!agent) return null;
  const names = (agent.operatorNames ?? {}) as Record<string, unknown>;
  return {
    operators: (agent.operators ?? []).map((inboxId) => ({
      inboxId,
      name: typeof names[inboxId] === "string" ? (names[inboxId] as string) : null,
    })),
    allowlist: agent.allowlist ?? [],
    operatorCode: agent.operatorCode,
  };
}

/** Runs an owner-checked single-row update; throws AgentNotFoundError when the agent is not the user's. */
async function ownerUpdate(n: Promise<number>): Promise<void> {
  if ((await n) === 0) throw new AgentNotFoundError();
}

/** The owner removes an operator (a no-op when they are not one). */
export async function removeOperator(agentId: string, ownerId: string, inboxId: string): Promise<void> {
  const id = parseInboxId(inboxId);
  await ownerUpdate(db.$executeRaw`
    UPDATE "Agent" SET operators = array_remove(coalesce(operators, '{}'), ${id}),
      "operatorNames" = "operatorNames" - ${id}, "updatedAt" = now()
    WHERE id = ${agentId} AND "ownerId" = ${ownerId}`);
}

/** The owner makes a new one-time operator code (replacing any unused one); returns it. */
export async function createOperatorCode(agentId: string, ownerId: string): Promise<string> {
  const code = newCode();
  await ownerUpdate(db.$executeRaw`
    UPDATE "Agent" SET "operatorCode" = ${code}, "updatedAt" = now()
    WHERE id = ${agentId} AND "ownerId" = ${ownerId}`);
  return code;
}

/**
 * Makes sure an agent the user owns that has no operator has a pending code (the page shows it), and leaves
 * any code already pending alone; one statement, so two page loads at once agree on one code.
 */
export async function ensureOperatorCode(agentId: string, ownerId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "Agent" SET "operatorCode" = ${newCode()}, "updatedAt" = now()
    WHERE id = ${agentId} AND "ownerId" = ${ownerId} AND "operatorCode" IS NULL
      AND coalesce(cardinality(operators), 0) = 0`;
}

/** The owner withdraws the unused operator code. */
export async function cancelOperatorCode(agentId: string, ownerId: string): Promise<void> {
  await ownerUpdate(db.$executeRaw`
    UPDATE "Agent" SET "operatorCode" = NULL, "updatedAt" = now()
    WHERE id = ${agentId} AND "ownerId" = ${ownerId}`);
}

/** True when `text` is an operator code as someone would paste it (the agent then checks it). */
export const looksLikeOperatorCode = (text: string) =>
  new RegExp(`^[A-Z2-9]{${CODE_LENGTH}}$`).test(text.trim().toUpperCase());

/**
 * Someone posted `code` in the chat: when it is the agent's pending code, they become an operator and the
 * code is spent, in one statement (two people posting it at once: only one wins). True when it was.
 */
export async function redeemOperatorCode(agentId: string, code: string, inboxId: string): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE "Agent" SET "operatorCode" = NULL, "updatedAt" = now(),
      operators = CASE WHEN ${inboxId} = ANY(coalesce(operators, '{}')) THEN operators
                       ELSE array_append(coalesce(operators, '{}'), ${inboxId}) END
    WHERE id = ${agentId} AND "operatorCode" = ${code.trim().toUpperCase()}`;
  return n === 1;
}

/** Remembers an operator's profile name as the agent saw it in the chat (only for current operators). */
export async function rememberOperatorName(agentId: string, inboxId: string, name: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "Agent" SET "operatorNames" = "operatorNames" || jsonb_build_object(${inboxId}::text, ${name.slice(0, 100)}::text)
    WHERE id = ${agentId} AND ${inboxId} = ANY(coalesce(operators, '{}'))`;
}

/** Adds an inbox id to the allowlist (from the chat's `/allow`, or the owner when `ownerId` is given). */
export async function allowInbox(agentId: string, inboxId: string, ownerId?: string): Promise<void> {
  const id = parseInboxId(inboxId);
  const n = await db.$executeRaw`
    UPDATE "Agent" SET allowlist = CASE WHEN ${id} = ANY(coalesce(allowlist, '{}')) THEN allowlist
                                        ELSE array_append(coalesce(allowlist, '{}'), ${id}) END, "updatedAt" = now()
    WHERE id = ${agentId} AND (${ownerId ?? null}::text IS NULL OR "ownerId" = ${ownerId ?? null})`;
  if (n === 0) throw new AgentNotFoundError();
}

/** Removes an inbox id from the allowlist (from the chat's `/deny`, or the owner when `ownerId` is given). */
export async function denyInbox(agentId: string, inboxId: string, ownerId?: string): Promise<void> {
  const id = parseInboxId(inboxId);
  const n = await db.$executeRaw`
    UPDATE "Agent" SET allowlist = array_remove(coalesce(allowlist, '{}'), ${id}), "updatedAt" = now()
    WHERE id = ${agentId} AND (${ownerId ?? null}::text IS NULL OR "ownerId" = ${ownerId ?? null})`;
  if (n === 0) throw new AgentNotFoundError();
}
