-- Models (lib/llm/models.ts): a template's and an owner's choice among LLM_MODELS, null meaning the default,
-- and the event a fallback to the next model records.
-- No semicolon in these comments: with ALTER TYPE … ADD VALUE the migration runs statement by statement.
ALTER TYPE "EventKind" ADD VALUE 'model_fallback';
ALTER TABLE "Template" ADD COLUMN "model" TEXT;
ALTER TABLE "Agent" ADD COLUMN "model" TEXT;
