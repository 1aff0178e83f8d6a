-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('user', 'admin');

-- CreateEnum
CREATE TYPE "AgentStatus" AS ENUM ('ready', 'joining', 'live', 'failed', 'stopped');

-- CreateEnum
CREATE TYPE "AgentSource" AS ENUM ('launch', 'join');

-- CreateEnum
CREATE TYPE "DmPolicy" AS ENUM ('open', 'allowlist', 'pairing', 'disabled');

-- CreateEnum
CREATE TYPE "IdentityStatus" AS ENUM ('provisioning', 'idle', 'claimed', 'live', 'joining', 'failed', 'retired');

-- CreateEnum
CREATE TYPE "IdentityRole" AS ENUM ('creator', 'joiner');

-- CreateEnum
CREATE TYPE "EventKind" AS ENUM ('claim', 'handoff', 'joined', 'member_joined', 'failure', 'stopped', 'admin');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT NOT NULL,
    "emailVerified" TIMESTAMP(3),
    "image" TEXT,
    "role" "UserRole" NOT NULL DEFAULT 'user',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "userId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("provider","providerAccountId")
);

-- CreateTable
CREATE TABLE "Session" (
    "sessionToken" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL
);

-- CreateTable
CREATE TABLE "VerificationToken" (
    "identifier" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VerificationToken_pkey" PRIMARY KEY ("identifier","token")
);

-- CreateTable
CREATE TABLE "Template" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "instructions" TEXT NOT NULL,
    "skills" TEXT[],
    "suggestedMessages" TEXT[],
    "published" BOOLEAN NOT NULL DEFAULT true,
    "featured" BOOLEAN NOT NULL DEFAULT false,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT,
    "templateId" TEXT,
    "name" TEXT NOT NULL,
    "instructions" TEXT NOT NULL,
    "status" "AgentStatus" NOT NULL DEFAULT 'ready',
    "source" "AgentSource" NOT NULL DEFAULT 'launch',
    "joinInviteKey" TEXT,
    "joinUrl" TEXT,
    "failureReason" TEXT,
    "dmPolicy" "DmPolicy" NOT NULL DEFAULT 'pairing',
    "allowlist" TEXT[],
    "operators" TEXT[],
    "tokenCap" INTEGER,
    "tokensUsed" INTEGER NOT NULL DEFAULT 0,
    "messagesIn" INTEGER NOT NULL DEFAULT 0,
    "messagesOut" INTEGER NOT NULL DEFAULT 0,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "liveAt" TIMESTAMP(3),
    "firstJoinedAt" TIMESTAMP(3),
    "stoppedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Identity" (
    "id" TEXT NOT NULL,
    "status" "IdentityStatus" NOT NULL DEFAULT 'provisioning',
    "role" "IdentityRole" NOT NULL DEFAULT 'creator',
    "agentId" TEXT,
    "isOwnerConversation" BOOLEAN NOT NULL DEFAULT false,
    "inboxId" TEXT,
    "address" TEXT,
    "encryptedWalletKey" BYTEA,
    "encryptedDbKey" BYTEA,
    "conversationId" TEXT,
    "inviteUrl" TEXT,
    "inviteTag" TEXT,
    "joinUrl" TEXT,
    "joinRequestedAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "claimedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Identity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stoppedAt" TIMESTAMP(3),

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PoolSetting" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "targetIdle" INTEGER NOT NULL DEFAULT 5,
    "maxConcurrentCreates" INTEGER NOT NULL DEFAULT 4,
    "claimsPerUserPerHour" INTEGER NOT NULL DEFAULT 20,
    "liveAgentsPerUser" INTEGER NOT NULL DEFAULT 10,
    "apiClaimsPerHour" INTEGER NOT NULL DEFAULT 600,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PoolSetting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" BIGSERIAL NOT NULL,
    "kind" "EventKind" NOT NULL,
    "agentId" TEXT,
    "identityId" TEXT,
    "workerId" TEXT,
    "latencyMs" INTEGER,
    "error" TEXT,
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HandledMessage" (
    "identityId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "handledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HandledMessage_pkey" PRIMARY KEY ("identityId","messageId")
);

-- CreateTable
CREATE TABLE "PairingRequest" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "inboxId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "approvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PairingRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_sessionToken_key" ON "Session"("sessionToken");

-- CreateIndex
CREATE UNIQUE INDEX "Template_slug_key" ON "Template"("slug");

-- CreateIndex
CREATE INDEX "Template_published_category_sortOrder_idx" ON "Template"("published", "category", "sortOrder");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_joinInviteKey_key" ON "Agent"("joinInviteKey");

-- CreateIndex
CREATE INDEX "Agent_ownerId_status_idx" ON "Agent"("ownerId", "status");

-- CreateIndex
CREATE INDEX "Agent_status_idx" ON "Agent"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Identity_inboxId_key" ON "Identity"("inboxId");

-- CreateIndex
CREATE INDEX "Identity_status_createdAt_idx" ON "Identity"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Identity_agentId_idx" ON "Identity"("agentId");

-- CreateIndex
CREATE INDEX "Identity_leaseOwner_idx" ON "Identity"("leaseOwner");

-- CreateIndex
CREATE INDEX "Identity_inviteTag_idx" ON "Identity"("inviteTag");

-- CreateIndex
CREATE INDEX "Event_kind_createdAt_idx" ON "Event"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "Event_agentId_createdAt_idx" ON "Event"("agentId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PairingRequest_agentId_inboxId_key" ON "PairingRequest"("agentId", "inboxId");

-- CreateIndex
CREATE UNIQUE INDEX "PairingRequest_agentId_code_key" ON "PairingRequest"("agentId", "code");

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_leaseOwner_fkey" FOREIGN KEY ("leaseOwner") REFERENCES "Worker"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PairingRequest" ADD CONSTRAINT "PairingRequest_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
