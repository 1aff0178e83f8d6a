-- Who asked for each schedule, so a member's schedules end when they leave the conversation.
ALTER TABLE "Schedule" ADD COLUMN "createdByInboxId" TEXT;

CREATE INDEX "Schedule_identityId_createdByInboxId_idx" ON "Schedule"("identityId", "createdByInboxId");
