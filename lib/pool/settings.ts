/**
 * The pool and rate-limit settings (PoolSetting, one row with id 1). A missing
 * row means the schema's defaults; the first admin write creates it. The
 * worker reads `targetIdle` and `maxConcurrentCreates` through the same reader.
 */
import { db } from "@/lib/db";

export interface PoolSettings {
  targetIdle: number;
  maxConcurrentCreates: number;
  claimsPerUserPerHour: number;
  liveAgentsPerUser: number;
  apiClaimsPerHour: number;
}

/** The schema defaults (prisma/schema.prisma, model PoolSetting). */
export const DEFAULT_POOL_SETTINGS: PoolSettings = {
  targetIdle: 5,
  maxConcurrentCreates: 4,
  claimsPerUserPerHour: 20,
  liveAgentsPerUser: 10,
  apiClaimsPerHour: 600,
};

/** The settings; `client` reads them inside a transaction (one that must not wait for a second connection). */
export async function getPoolSettings(client: Pick<typeof db, "poolSetting"> = db): Promise<PoolSettings> {
  const row = await client.poolSetting.findUnique({ where: { id: 1 } });
  if (!row) return { ...DEFAULT_POOL_SETTINGS };
  const { targetIdle, maxConcurrentCreates, claimsPerUserPerHour, liveAgentsPerUser, apiClaimsPerHour } = row;
  return { targetIdle, maxConcurrentCreates, claimsPerUserPerHour, liveAgentsPerUser, apiClaimsPerHour };
}

/** Writes some settings, creating the row (with defaults for the rest) on the first write. */
export async function updatePoolSettings(patch: Partial<PoolSettings>): Promise<PoolSettings> {
  await db.poolSetting.upsert({ where: { id: 1 }, create: { id: 1, ...patch }, update: patch });
  return getPoolSettings();
}
