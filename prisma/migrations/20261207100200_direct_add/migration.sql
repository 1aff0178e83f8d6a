-- Direct add (lib/agents/direct-add.ts): the deadline by which someone must add the identity, and who may.
-- No semicolon in these comments: with ALTER TYPE … ADD VALUE the migration runs statement by statement.
ALTER TYPE "AgentSource" ADD VALUE 'direct';
ALTER TABLE "Identity" ADD COLUMN "addDeadline" TIMESTAMP(3);
ALTER TABLE "Identity" ADD COLUMN "addExpectedFrom" TEXT;

-- Whether an agent greets on arrival (lib/agents/greeting.ts), null following the default.
ALTER TABLE "Template" ADD COLUMN "greeting" BOOLEAN;
ALTER TABLE "Agent" ADD COLUMN "greeting" BOOLEAN;
