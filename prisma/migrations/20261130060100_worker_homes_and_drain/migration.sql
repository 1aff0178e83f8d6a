-- Where the XMTP database of an identity lives, which workers can open it, and the drain of a worker by an admin.
ALTER TABLE "Identity" ADD COLUMN "homeKey" TEXT;
CREATE INDEX "Identity_homeKey_idx" ON "Identity"("homeKey");
ALTER TABLE "Worker" ADD COLUMN "homeKey" TEXT,
  ADD COLUMN "maxAgents" INTEGER NOT NULL DEFAULT 500,
  ADD COLUMN "liveAgents" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "draining" BOOLEAN NOT NULL DEFAULT false;
