-- Files the agents send (lib/files): each one is encrypted in the worker and sent as an XMTP remote
-- attachment. Without an S3-compatible store the encrypted payload lives here and the web app serves it
-- (app/api/blobs/[id]), and with one the row only records the object's key, so retention and erasure find it.
-- Nothing here can be read without the key, which travels only in the message.
CREATE TABLE "Blob" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA,
    "s3Key" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Blob_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Blob_stored_once" CHECK (("data" IS NULL) <> ("s3Key" IS NULL))
);

CREATE INDEX "Blob_agentId_idx" ON "Blob"("agentId");
CREATE INDEX "Blob_expiresAt_idx" ON "Blob"("expiresAt");

ALTER TABLE "Blob" ADD CONSTRAINT "Blob_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
