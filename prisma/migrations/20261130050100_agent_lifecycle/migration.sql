-- Why a stopped agent stopped (owner, admin, removed, alone, expired), shown to its owner.
ALTER TABLE "Agent" ADD COLUMN "stopReason" TEXT;

-- A one-time code the owner can show on the agent's page: whoever posts it in the chat becomes an operator.
ALTER TABLE "Agent" ADD COLUMN "operatorCode" TEXT;

-- Operators' profile names as the agent last saw them (inbox id -> name), for the owner's page.
ALTER TABLE "Agent" ADD COLUMN "operatorNames" JSONB NOT NULL DEFAULT '{}';

-- An invite can be used again once the agent that joined through it is stopped or failed:
-- the key is unique among active agents only.
DROP INDEX "Agent_joinInviteKey_key";
CREATE UNIQUE INDEX "Agent_joinInviteKey_active_key" ON "Agent"("joinInviteKey")
  WHERE status NOT IN ('stopped', 'failed');
