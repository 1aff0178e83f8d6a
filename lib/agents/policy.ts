/**
 * Who may talk to an agent (operators and the dm policy, see docs/architecture.md) and what it has spent: operators,
 * dmPolicy, pairing requests and the token counters. Each write is one
 * conditional statement, so two workers (or a repeated call) cannot add an
 * operator twice, hand out two pairing codes to one sender, or lose a count.
 */
import { randomInt, randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { chosenModel } from "@/lib/llm/models";
import { AgentNotFoundError } from "./mutations";
import type { DmPolicy } from "@/lib/generated/prisma/enums";

export interface AgentState {
  id: string;
  name: string;
  instructions: string;
  dmPolicy: DmPolicy;
  allowlist: string[];
  operators: string[];
  tokenCap: number | null;
  tokensUsed: number;
  /** Set while a provider refuses its model calls for money (budget-state.ts). */
  outOfBudgetAt: Date | null;
  /** The owner's pending one-time operator code, if any. */
  operatorCode: string | null;
  /** IANA time zone the agent tells time in. */
  timeZone: string;
  /** Its template's tool names; null for an agent without a template (lib/agents/tools decides). */
  tools: string[] | null;
  /** The model its owner or template chose (lib/llm/models.ts); null: the default. */
  model: string | null;
}

/** The template's columns agentState reads beside the agent's (null without a template). */
interface TemplateColumns {
  hasTemplate: boolean;
  templateTools: string[] | null;
  templateModel: string | null;
}

/**
 * The agent's current policy, operators and spending, read per message (an operator may just have changed
 * them). One statement with its template joined: Prisma reads a relation with a second query, and this runs
 * for every message every agent answers.
 */
export async function agentState(agentId: string): Promise<AgentState> {
  const rows = await db.$queryRaw<(Omit<AgentState, "tools"> & TemplateColumns)[]>`
    SELECT a.id, a.name, a.instructions, a."dmPolicy"::text AS "dmPolicy", a.allowlist, a.operators,
      a."tokenCap", a."tokensUsed", a."outOfBudgetAt", a."operatorCode", a."timeZone", a.model,
      t.id IS NOT NULL AS "hasTemplate", t.tools AS "templateTools", t.model AS "templateModel"
    FROM "Agent" a LEFT JOIN "Template" t ON t.id = a."templateId"
    WHERE a.id = ${agentId}`;
  const row = rows[0];
  if (!row) throw new AgentNotFoundError();
  const { hasTemplate, templateTools, templateModel, ...rest } = row;
  const template = hasTemplate ? { tools: templateTools, model: templateModel } : null;
  // Rows inserted by raw SQL (the claim) leave the list columns NULL.
  return {
    ...rest,
    allowlist: row.allowlist ?? [],
    operators: row.operators ?? [],
    tools: template ? (template.tools ?? []) : null,
    model: chosenModel(row, template),
  };
}

/**
 * Makes `inboxId` the operator of an agent without an owner (a pool API claim) that has none yet; true when
 * this call did. An owned agent's owner proves who they are with a code instead (lib/agents/operators.ts).
 */
export async function setFirstOperator(agentId: string, inboxId: string): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE "Agent" SET operators = ARRAY[${inboxId}]::text[], "updatedAt" = now()
    WHERE id = ${agentId} AND "ownerId" IS NULL AND coalesce(cardinality(operators), 0) = 0`;
  return n === 1;
}

export async function setDmPolicy(agentId: string, policy: DmPolicy): Promise<void> {
  await db.agent.update({ where: { id: agentId }, data: { dmPolicy: policy } });
}

/**
 * Whether the agent hears `sender` under its policy as it stands, without asking anything of them: an
 * operator, `open`, on the `allowlist`, or an approved pairing. Never issues a pairing code; the answer
 * path issues one to a stranger under `pairing`, and a poll vote counts only when this holds.
 */
export async function hears(agent: AgentState, sender: string): Promise<boolean> {
  if (agent.operators.includes(sender)) return true;
  switch (agent.dmPolicy) {
    case "open":
      return true;
    case "allowlist":
      return agent.allowlist.includes(sender);
    case "disabled":
      return false;
    case "pairing": {
      const pairing = await db.pairingRequest.findUnique({
        where: { agentId_inboxId: { agentId: agent.id, inboxId: sender } },
        select: { approvedAt: true },
      });
      return pairing?.approvedAt != null;
    }
  }
}

export type Pairing = { status: "approved" } | { status: "pending" } | { status: "new"; code: string };

/** Letters and digits that can't be mistaken for one another (no 0/O, 1/I), for codes people type. */
export const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const pairingCode = () =>
  Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");

/** The sender's pairing with the agent: approved, pending, or new (a code was just issued, once per sender). */
export async function requestPairing(agentId: string, inboxId: string): Promise<Pairing> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = pairingCode();
    const inserted = await db.$queryRaw<{ code: string }[]>`
      INSERT INTO "PairingRequest" (id, "agentId", "inboxId", code) VALUES (${randomUUID()}, ${agentId}, ${inboxId}, ${code})
      ON CONFLICT DO NOTHING RETURNING code`;
    if (inserted[0]) return { status: "new", code: inserted[0].code };
    const existing = await db.pairingRequest.findUnique({
      where: { agentId_inboxId: { agentId, inboxId } },
      select: { approvedAt: true },
    });
    if (existing) return existing.approvedAt ? { status: "approved" } : { status: "pending" };
    // the code collided with another sender's: draw again
  }
  throw new Error("could not issue a pairing code");
}

/** Approves a pending pairing by its code (case-insensitive); returns the approved inbox id, or null. */
export async function approvePairing(agentId: string, code: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ inboxId: string }[]>`
    UPDATE "PairingRequest" SET "approvedAt" = now()
    WHERE "agentId" = ${agentId} AND code = ${code.trim().toUpperCase()} AND "approvedAt" IS NULL
    RETURNING "inboxId"`;
  return rows[0]?.inboxId ?? null;
}

/** Counts one message in and what went out, plus the tokens an answer used. */
export async function recordTraffic(
  agentId: string,
  d: { in?: number; out?: number; tokens?: number },
): Promise<void> {
  await db.$executeRaw`
    UPDATE "Agent" SET "messagesIn" = "messagesIn" + ${d.in ?? 0}, "messagesOut" = "messagesOut" + ${d.out ?? 0},
      "tokensUsed" = "tokensUsed" + ${d.tokens ?? 0}
    WHERE id = ${agentId}`;
}
