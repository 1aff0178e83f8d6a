-- Reminders and recurring schedules an agent keeps per conversation, and the ledger of their firings.
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "identityId" TEXT NOT NULL,
    "rule" TEXT,
    "timeZone" TEXT NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'post',
    "text" TEXT NOT NULL,
    "nextRunAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'active',
    "firings" INTEGER NOT NULL DEFAULT 0,
    "lastFiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Schedule_identityId_status_nextRunAt_idx" ON "Schedule"("identityId", "status", "nextRunAt");
CREATE INDEX "Schedule_agentId_status_idx" ON "Schedule"("agentId", "status");
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ScheduleFiring" (
    "scheduleId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "identityId" TEXT NOT NULL,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    CONSTRAINT "ScheduleFiring_pkey" PRIMARY KEY ("scheduleId","dueAt")
);
CREATE INDEX "ScheduleFiring_identityId_status_idx" ON "ScheduleFiring"("identityId", "status");
