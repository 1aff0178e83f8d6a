-- The ground the outside providers (OpenRouter keys, AgentMail, Telnyx) share: per-agent usage, and
-- the events their webhooks deliver (deduplicated, queued for the worker). Also the out-of-budget state a
-- provider can put an agent in (a 402 from its model key), beside the token cap.
ALTER TABLE "Agent" ADD COLUMN "outOfBudgetAt" TIMESTAMP(3);
ALTER TABLE "Agent" ADD COLUMN "outOfBudgetReason" TEXT;

CREATE TABLE "ProviderUsage" (
    "agentId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,
    "spentMicros" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProviderUsage_pkey" PRIMARY KEY ("agentId", "provider")
);

ALTER TABLE "ProviderUsage" ADD CONSTRAINT "ProviderUsage_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ProviderEvent" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "agentId" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "ProviderEvent_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "ProviderEvent_provider_eventId_key" ON "ProviderEvent"("provider", "eventId");
CREATE INDEX "ProviderEvent_doneAt_receivedAt_idx" ON "ProviderEvent"("doneAt", "receivedAt");
CREATE INDEX "ProviderEvent_agentId_idx" ON "ProviderEvent"("agentId");

ALTER TABLE "ProviderEvent" ADD CONSTRAINT "ProviderEvent_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
