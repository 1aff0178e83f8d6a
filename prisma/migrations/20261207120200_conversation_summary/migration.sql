-- The rolling summary of each conversation's older messages (lib/memory/summary.ts), erased with its memories.
CREATE TABLE "ConversationSummary" (
    "agentId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "coveredUntilNs" BIGINT NOT NULL,
    "messages" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationSummary_pkey" PRIMARY KEY ("agentId","conversationId")
);

ALTER TABLE "ConversationSummary" ADD CONSTRAINT "ConversationSummary_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
