-- A provider event is taken for a short while (takenAt) instead of being held in an open transaction while
-- its line goes out: a send over the network must not keep a database connection from everyone else.
ALTER TABLE "ProviderEvent" ADD COLUMN "takenAt" TIMESTAMP(3);
