/**
 * An agent's AgentMail inbox: made the first time its `email` tool runs (not at claim: most agents never
 * mail), found again by the webhook from AgentMail's inbox id, and deleted when the agent stops.
 *
 * Creation is idempotent twice over. The row and its client_id are written first, in one statement that
 * keeps a row already there; then AgentMail is asked for the inbox under that client_id, which returns the
 * inbox it made before for the same client_id. So a worker that crashed after AgentMail answered, or two
 * workers asking at once, end with one inbox. A stop deletes the row, and a later restart gets a new
 * client_id: AgentMail never hands back the inbox it deleted.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { db } from "@/lib/db";
import { createInbox, deleteInbox } from "./client";
import type { AgentMailSettings } from "./settings";

export interface AgentInbox {
  inboxId: string;
  address: string;
}

/** The local part of an agent's address: its name in lowercase ASCII, cut, plus the client_id's suffix. */
export function inboxUsername(agentName: string, clientId: string): string {
  const base =
    agentName
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 24)
      .replace(/-+$/, "") || "agent";
  return `${base}-${clientId.slice(-6)}`;
}

/** The agent's inbox, made now (at AgentMail and in our table) if it has none. */
export async function ensureInbox(
  settings: Pick<AgentMailSettings, "apiKey" | "baseUrl" | "domain">,
  agent: { id: string; name: string },
): Promise<AgentInbox> {
  const clientId = `convos-${agent.id}-${randomBytes(4).toString("hex")}`;
  await db.$executeRaw`
    INSERT INTO "AgentMailInbox" ("agentId", "clientId") VALUES (${agent.id}, ${clientId})
    ON CONFLICT ("agentId") DO NOTHING`;
  const row = await db.agentMailInbox.findUniqueOrThrow({ where: { agentId: agent.id } });
  if (row.inboxId && row.address) return { inboxId: row.inboxId, address: row.address };
  const inbox = await createInbox(settings, {
    username: inboxUsername(agent.name, row.clientId),
    domain: settings.domain,
    displayName: agent.name.slice(0, 100),
    clientId: row.clientId,
  });
  // Only the row this creation was for: when a stop deleted it meanwhile, the inbox is deleted here.
  const { count } = await db.agentMailInbox.updateMany({
    where: { agentId: agent.id, clientId: row.clientId },
    data: { inboxId: inbox.inboxId, address: inbox.address },
  });
  if (count === 0) {
    await deleteInbox(settings, inbox.inboxId);
    throw new Error("the agent was stopped while its inbox was made");
  }
  return inbox;
}

/** The agent's inbox when it has one (its page, its profile). */
export async function inboxOf(agentId: string): Promise<AgentInbox | null> {
  const row = await db.agentMailInbox.findUnique({ where: { agentId } });
  return row?.inboxId && row.address ? { inboxId: row.inboxId, address: row.address } : null;
}

/** The agent whose inbox AgentMail calls `inboxId`, from our table alone; null when it is nobody's. */
export async function agentOfInbox(inboxId: string): Promise<string | null> {
  const row = await db.agentMailInbox.findUnique({ where: { inboxId }, select: { agentId: true } });
  return row?.agentId ?? null;
}

/**
 * Deletes the agent's inbox at AgentMail, then its row. A creation that never recorded its inbox id is
 * asked again under its client_id (AgentMail returns the inbox if it made one) so nothing is left behind.
 * Throws when AgentMail can't be reached; the row then stays for the next attempt.
 */
export async function retireInbox(
  settings: Pick<AgentMailSettings, "apiKey" | "baseUrl" | "domain">,
  agentId: string,
): Promise<boolean> {
  const row = await db.agentMailInbox.findUnique({ where: { agentId }, include: { agent: true } });
  if (!row) return false;
  const inboxId =
    row.inboxId ??
    (
      await createInbox(settings, {
        username: inboxUsername(row.agent.name, row.clientId),
        domain: settings.domain,
        displayName: row.agent.name.slice(0, 100),
        clientId: row.clientId,
      })
    ).inboxId;
  await deleteInbox(settings, inboxId);
  await db.agentMailInbox.deleteMany({ where: { agentId, clientId: row.clientId } });
  return true;
}

/** Agents that are stopped but still hold an inbox (a deletion that failed at their stop): for a retry. */
export async function stoppedAgentsWithInboxes(limit = 10): Promise<string[]> {
  const rows = await db.agentMailInbox.findMany({
    where: { agent: { status: "stopped" } },
    select: { agentId: true },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
  return rows.map((r) => r.agentId);
}

/** Retires the inboxes of stopped agents, each on its own: how many went, and the failures (rows kept). */
export async function retireStoppedInboxes(
  settings: Pick<AgentMailSettings, "apiKey" | "baseUrl" | "domain">,
): Promise<{ retired: number; failures: unknown[] }> {
  let retired = 0;
  const failures: unknown[] = [];
  for (const agentId of await stoppedAgentsWithInboxes()) {
    await retireInbox(settings, agentId).then(
      (done) => void (retired += done ? 1 : 0),
      (error: unknown) => void failures.push(error),
    );
  }
  return { retired, failures };
}

/**
 * Retires the inboxes of stopped agents and logs what it did; never throws: the stop and the retention pass
 * that call it go on whatever AgentMail answers, and what failed is tried again by the next of them.
 */
export async function retireStoppedInboxesLogged(
  settings: Pick<AgentMailSettings, "apiKey" | "baseUrl" | "domain">,
  log: Pick<Logger, "info" | "warn">,
): Promise<void> {
  try {
    const { retired, failures } = await retireStoppedInboxes(settings);
    if (retired > 0) log.info({ retired }, "mail inboxes of stopped agents deleted");
    if (failures.length > 0)
      log.warn({ err: failures[0], failed: failures.length }, "deleting mail inboxes failed");
  } catch (err) {
    log.warn({ err }, "deleting mail inboxes failed");
  }
}

/** The e-mail address of the agent an identity belongs to, for its Convos profile (`email`); null: none. */
export async function mailAddressOfIdentity(identityId: string): Promise<string | null> {
  const [row] = await db.$queryRaw<{ address: string }[]>`
    SELECT m.address FROM "Identity" i JOIN "AgentMailInbox" m ON m."agentId" = i."agentId"
    WHERE i.id = ${identityId} AND m.address IS NOT NULL`;
  return row?.address ?? null;
}
