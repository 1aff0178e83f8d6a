/**
 * The retention pass's look at OpenRouter (workers/agents/worker/retention.ts): every key of the account
 * is listed once, and of the keys named with our prefix
 *
 *   - a key whose agent is stopped or gone (a stop no worker carried out, an erasure that could not reach
 *     OpenRouter) is deleted, with its row;
 *   - a key that is not the one its agent's row names, while that row is ready, is a leftover of an
 *     interrupted creation: deleted;
 *   - the agent's current key has its usage counted (ProviderUsage), so spending shows without a page view.
 *
 * Keys not named with our prefix are never touched.
 */
import { db } from "@/lib/db";
import { deleteKey, listKeys } from "./api";
import { recordKeySpend } from "./keys";
import { agentIdOfKey, type OpenRouterSettings } from "./settings";

export interface Swept {
  keys: number;
  deleted: number;
  counted: number;
}

/** One pass over the account's keys (see the module comment). Throws ProviderError when the list can't be read. */
export async function sweepModelKeys(s: OpenRouterSettings): Promise<Swept> {
  const ours = (await listKeys(s)).flatMap((k) => {
    const agentId = agentIdOfKey(s, k.name);
    return agentId ? [{ ...k, agentId }] : [];
  });
  const agents = await db.agent.findMany({
    where: { id: { in: [...new Set(ours.map((k) => k.agentId))] } },
    select: { id: true, status: true, modelKey: { select: { hash: true } } },
  });
  const byId = new Map(agents.map((a) => [a.id, a]));
  const swept: Swept = { keys: ours.length, deleted: 0, counted: 0 };
  for (const k of ours) {
    const agent = byId.get(k.agentId);
    const current = agent?.modelKey?.hash === k.hash;
    if (agent && agent.status !== "stopped" && current) {
      await recordKeySpend(agent.id, k.hash, k.usage);
      swept.counted++;
      continue;
    }
    // Kept: a live agent's key that is still being made (its row has no hash yet).
    if (agent && agent.status !== "stopped" && agent.modelKey && !agent.modelKey.hash) continue;
    if (agent && current) await recordKeySpend(agent.id, k.hash, k.usage);
    await deleteKey(s, k.hash);
    if (current) await db.agentModelKey.deleteMany({ where: { agentId: k.agentId, hash: k.hash } });
    swept.deleted++;
  }
  return swept;
}
