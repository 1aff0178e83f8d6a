-- An agent's AgentMail inbox, made the first time its e-mail tool runs (lib/providers/agentmail/inboxes.ts).
-- clientId is written before AgentMail is asked, so a retry or a second worker creates the same inbox;
-- inboxId is how an incoming mail's webhook finds its agent.
CREATE TABLE "AgentMailInbox" (
    "agentId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "inboxId" TEXT,
    "address" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentMailInbox_pkey" PRIMARY KEY ("agentId")
);

CREATE UNIQUE INDEX "AgentMailInbox_clientId_key" ON "AgentMailInbox"("clientId");
CREATE UNIQUE INDEX "AgentMailInbox_inboxId_key" ON "AgentMailInbox"("inboxId");

ALTER TABLE "AgentMailInbox" ADD CONSTRAINT "AgentMailInbox_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
