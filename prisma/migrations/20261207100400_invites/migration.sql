-- Invites an owner controls (/invite options, /revoke, /lock, /unlock, /conversations, the agent page):
-- each conversation's invite state on its identity, and the requests the worker running it carries out.
ALTER TABLE "Identity" ADD COLUMN "conversationName" TEXT,
  ADD COLUMN "memberCount" INTEGER,
  ADD COLUMN "inviteExpiresAt" TIMESTAMP(3),
  ADD COLUMN "inviteSingleUse" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "inviteUsedAt" TIMESTAMP(3),
  ADD COLUMN "lockedAt" TIMESTAMP(3);

CREATE TYPE "InviteAction" AS ENUM ('revoke', 'lock', 'unlock', 'refresh');

CREATE TYPE "InviteRequestStatus" AS ENUM ('pending', 'done', 'failed', 'cancelled');

CREATE TABLE "InviteRequest" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "identityId" TEXT NOT NULL,
    "action" "InviteAction" NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "singleUse" BOOLEAN NOT NULL DEFAULT false,
    "status" "InviteRequestStatus" NOT NULL DEFAULT 'pending',
    "result" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "InviteRequest_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "InviteRequest_identityId_status_idx" ON "InviteRequest"("identityId", "status");

ALTER TABLE "InviteRequest" ADD CONSTRAINT "InviteRequest_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "Identity"("id") ON DELETE CASCADE ON UPDATE CASCADE;
