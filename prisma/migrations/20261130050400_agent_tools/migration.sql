-- Agents that act in their conversation: tools per template, the agent's time zone, the tool-call ledger,
-- shared lists and polls.
ALTER TABLE "Template" ADD COLUMN "tools" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "Agent" ADD COLUMN "timeZone" TEXT NOT NULL DEFAULT 'UTC';

CREATE TABLE "ToolCall" (
    "identityId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "callId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arguments" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "result" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ToolCall_pkey" PRIMARY KEY ("identityId","messageId","position")
);

CREATE TABLE "SharedList" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "SharedList_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "SharedList_conversationId_name_key" ON "SharedList"("conversationId", "name");
CREATE INDEX "SharedList_agentId_idx" ON "SharedList"("agentId");
ALTER TABLE "SharedList" ADD CONSTRAINT "SharedList_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "SharedListItem" (
    "id" TEXT NOT NULL,
    "listId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "done" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SharedListItem_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "SharedListItem_listId_createdAt_idx" ON "SharedListItem"("listId", "createdAt");
ALTER TABLE "SharedListItem" ADD CONSTRAINT "SharedListItem_listId_fkey" FOREIGN KEY ("listId") REFERENCES "SharedList"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "Poll" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "options" TEXT[],
    "messageId" TEXT,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Poll_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Poll_messageId_key" ON "Poll"("messageId");
CREATE INDEX "Poll_conversationId_createdAt_idx" ON "Poll"("conversationId", "createdAt");
ALTER TABLE "Poll" ADD CONSTRAINT "Poll_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "PollVote" (
    "pollId" TEXT NOT NULL,
    "voter" TEXT NOT NULL,
    "option" INTEGER NOT NULL,
    "messageId" TEXT NOT NULL,
    "sentAtNs" BIGINT NOT NULL,
    CONSTRAINT "PollVote_pkey" PRIMARY KEY ("pollId","voter")
);
ALTER TABLE "PollVote" ADD CONSTRAINT "PollVote_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The shipped templates get the tools their instructions call for (rows seeded before this migration).
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'list', 'poll']::TEXT[] WHERE "slug" = 'trip-planner';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'list']::TEXT[] WHERE "slug" = 'trip-kitty';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply']::TEXT[] WHERE "slug" = 'phrasebook';
UPDATE "Template" SET "tools" = ARRAY['reply', 'list']::TEXT[] WHERE "slug" = 'meeting-scribe';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'list']::TEXT[] WHERE "slug" = 'task-wrangler';
UPDATE "Template" SET "tools" = ARRAY['reply']::TEXT[] WHERE "slug" = 'email-drafter';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'list']::TEXT[] WHERE "slug" = 'quiz-master';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply']::TEXT[] WHERE "slug" = 'language-partner';
UPDATE "Template" SET "tools" = ARRAY['reply']::TEXT[] WHERE "slug" = 'explainer';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'list']::TEXT[] WHERE "slug" = 'flashcard-coach';
UPDATE "Template" SET "tools" = ARRAY['react', 'list']::TEXT[] WHERE "slug" = 'workout-buddy';
UPDATE "Template" SET "tools" = ARRAY['reply', 'list', 'poll']::TEXT[] WHERE "slug" = 'meal-planner';
UPDATE "Template" SET "tools" = ARRAY['react']::TEXT[] WHERE "slug" = 'wind-down-coach';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'list']::TEXT[] WHERE "slug" = 'standup-host';
UPDATE "Template" SET "tools" = ARRAY['reply']::TEXT[] WHERE "slug" = 'interview-coach';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'list', 'poll']::TEXT[] WHERE "slug" = 'decision-helper';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'list', 'poll', 'set_profile']::TEXT[] WHERE "slug" = 'game-night-host';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'poll']::TEXT[] WHERE "slug" = 'movie-night-picker';
UPDATE "Template" SET "tools" = ARRAY['react', 'reply', 'set_profile']::TEXT[] WHERE "slug" = 'story-circle';
