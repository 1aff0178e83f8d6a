-- Each worker's view of the XMTP network (lib/workers/xmtp-reachability.ts): when every worker that is up
-- fails to reach it, /api/health, /admin and a claim on an empty pool say the network is unreachable.
ALTER TABLE "Worker" ADD COLUMN "xmtpOkAt" TIMESTAMP(3),
  ADD COLUMN "xmtpFailedAt" TIMESTAMP(3),
  ADD COLUMN "xmtpError" TEXT,
  ADD COLUMN "xmtpFailures" INTEGER NOT NULL DEFAULT 0;
