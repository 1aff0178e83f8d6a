-- AlterTable
ALTER TABLE "Worker" ADD COLUMN "rssBytes" BIGINT;

-- CreateTable
CREATE TABLE "PoolSample" (
    "minute" TIMESTAMP(3) NOT NULL,
    "idle" INTEGER NOT NULL,
    "claimed" INTEGER NOT NULL,
    "live" INTEGER NOT NULL,
    "claims" INTEGER NOT NULL,
    "claimP50Ms" DOUBLE PRECISION,
    "claimP95Ms" DOUBLE PRECISION,
    "answers" INTEGER NOT NULL,

    CONSTRAINT "PoolSample_pkey" PRIMARY KEY ("minute")
);

-- CreateIndex
CREATE INDEX "HandledMessage_kind_handledAt_idx" ON "HandledMessage"("kind", "handledAt");
