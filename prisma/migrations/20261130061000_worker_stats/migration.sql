-- AlterTable
ALTER TABLE "Worker" ADD COLUMN "stats" JSONB;
