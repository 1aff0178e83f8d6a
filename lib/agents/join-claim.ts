/**
 * The join-claim: an agent that joins a conversation someone else created.
 * The invite is verified first, so a bad link claims nothing; the agent row
 * starts `joining`, and the worker (on the notification) sends the join request
 * from a fresh identity. `Agent.joinInviteKey` is unique, so the same invite
 * can never be claimed into two agents, however fast the attempts come.
 */
import { randomUUID } from "node:crypto";
import { config } from "@/lib/config";
import { buildInviteUrl } from "@/lib/convos";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { AGENT_TRANSITIONS } from "./agent-status";
import { AGENT_CLAIMED_CHANNEL, type ClaimRequest } from "./claim-warm-identity";
import { AlreadyJoinedError } from "./errors";
import { recordClaim } from "@/lib/events/mutations";
import { checkInviteForClaim } from "./invite-check";

export interface JoiningAgent {
  agentId: string;
  status: "joining";
  latencyMs: number;
}

/**
 * Verifies the invite, then creates a `joining` agent for it with its claim event and notifies the worker
 * (at commit); throws AppError. `tx`: the transaction of the claim limits, else one of its own.
 */
export async function claimJoin(
  request: ClaimRequest & { inviteUrl: string },
  tx?: Prisma.TransactionClient,
): Promise<JoiningAgent> {
  const started = performance.now();
  const env = config().XMTP_ENV;
  const invite = checkInviteForClaim(request.inviteUrl, env);
  const ours = await (tx ?? db).identity.findFirst({
    where: { inboxId: invite.creatorInboxId },
    select: { id: true },
  });
  if (ours) {
    throw new AppError(
      "own_invite",
      "That invite is for a conversation one of our agents created: it is already there.",
    );
  }
  const agentId = randomUUID();
  const insert = async (c: Prisma.TransactionClient) => {
    await c.agent.create({
      data: {
        id: agentId,
        ownerId: request.ownerId,
        templateId: request.templateId,
        name: request.name,
        instructions: request.instructions,
        greeting: request.greeting ?? null,
        status: AGENT_TRANSITIONS.joinClaim.to,
        source: "join",
        joinInviteKey: invite.key,
        joinUrl: buildInviteUrl(invite.code, env),
      },
    });
    await c.$executeRaw`SELECT pg_notify(${AGENT_CLAIMED_CHANNEL}, ${agentId})`;
    const latencyMs = Math.round(performance.now() - started);
    await recordClaim({ agentId, latencyMs }, c);
    return latencyMs;
  };
  let latencyMs: number;
  try {
    latencyMs = tx ? await insert(tx) : await db.$transaction(insert);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw new AlreadyJoinedError();
    throw error;
  }
  return { agentId, status: AGENT_TRANSITIONS.joinClaim.to, latencyMs };
}
