/** What the agent page shows of an agent's texting: its number, whom it has texted, who opted out. */
import { db } from "@/lib/db";

export interface AgentSmsSummary {
  /** E.164; null: none yet (one comes with its first text). */
  number: string | null;
  /** People it has texted (from any number it held). */
  contacts: number;
  /** Of those, the ones who replied STOP to the number they were texted from. */
  optedOut: number;
}

export async function agentSmsSummary(agentId: string): Promise<AgentSmsSummary> {
  const held = await db.phoneNumber.findUnique({ where: { agentId }, select: { number: true } });
  const [row] = await db.$queryRaw<{ contacts: bigint; opted: bigint }[]>`
    SELECT count(*) AS contacts, count(o.peer) AS opted FROM "SmsContact" c
    LEFT JOIN "SmsOptOut" o ON o.number = c.number AND o.peer = c.peer
    WHERE c."agentId" = ${agentId}`;
  return {
    number: held?.number ?? null,
    contacts: Number(row?.contacts ?? 0),
    optedOut: Number(row?.opted ?? 0),
  };
}
