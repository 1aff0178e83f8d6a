-- Each agent's own OpenRouter key (lib/providers/openrouter): its hash, the key sealed under MASTER_KEY, and
-- how much of its usage has been counted into ProviderUsage. Erased with the agent.
CREATE TABLE "AgentModelKey" (
    "agentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT,
    "sealedKey" BYTEA,
    "creatingSince" TIMESTAMP(3),
    "creatingBy" TEXT,
    "reportedMicros" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentModelKey_pkey" PRIMARY KEY ("agentId")
);

ALTER TABLE "AgentModelKey" ADD CONSTRAINT "AgentModelKey_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
