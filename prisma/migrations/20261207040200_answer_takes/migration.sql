-- Times a run took a message for answering, committed before the work starts: an answer that crashed or
-- hung the worker this many times is given up (lib/identities/ledger.ts).
ALTER TABLE "HandledMessage" ADD COLUMN "takes" INTEGER NOT NULL DEFAULT 0;
