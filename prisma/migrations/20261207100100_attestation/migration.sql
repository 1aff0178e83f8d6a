-- When each identity last published its Convos profile with an attestation, and the name it published:
-- the worker renews the attestation of every live agent before the 24-hour limit of verifiers, also after a restart
-- or a failover (workers/agents/worker/attestation-renewal.ts), and republishes the same name.
ALTER TABLE "Identity" ADD COLUMN "attestedAt" TIMESTAMP(3);
ALTER TABLE "Identity" ADD COLUMN "profileName" TEXT;
