-- AlterTable
ALTER TABLE "Agent" ADD COLUMN "tokensHeld" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "HandledMessage" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "TokenReservation" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "tokens" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TokenReservation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HandledMessage_handledAt_idx" ON "HandledMessage"("handledAt");

-- CreateIndex
CREATE INDEX "TokenReservation_agentId_createdAt_idx" ON "TokenReservation"("agentId", "createdAt");

-- AddForeignKey
ALTER TABLE "TokenReservation" ADD CONSTRAINT "TokenReservation_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
