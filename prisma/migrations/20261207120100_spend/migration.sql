-- Spend the owner can see and set (lib/agents/spend.ts): tokens per day and their cost, the once-per-crossing
-- 80 % notice, and the highest cap an admin lets owners set.
ALTER TABLE "Agent" ADD COLUMN "budgetNoticeAt" TIMESTAMP(3);
ALTER TABLE "PoolSetting" ADD COLUMN "maxTokenCap" INTEGER;

CREATE TABLE "TokenUsageDay" (
    "agentId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "tokens" INTEGER NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "TokenUsageDay_pkey" PRIMARY KEY ("agentId", "day")
);

ALTER TABLE "TokenUsageDay" ADD CONSTRAINT "TokenUsageDay_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
