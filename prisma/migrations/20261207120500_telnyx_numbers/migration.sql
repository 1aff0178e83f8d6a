-- SMS through Telnyx (lib/providers/telnyx): our numbers, each held by one agent or free in the pool (a stop
-- or an erasure frees it, and it is never released to Telnyx), the people each agent has texted (the disclosure
-- goes with the first text), and the opt-outs, which outlive the agent that held the number.
CREATE TABLE "PhoneNumber" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "telnyxId" TEXT NOT NULL,
    "agentId" TEXT,
    "profileAssignedAt" TIMESTAMP(3),
    "claimedAt" TIMESTAMP(3),
    "freedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PhoneNumber_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "PhoneNumber_number_key" ON "PhoneNumber"("number");
CREATE UNIQUE INDEX "PhoneNumber_telnyxId_key" ON "PhoneNumber"("telnyxId");
CREATE UNIQUE INDEX "PhoneNumber_agentId_key" ON "PhoneNumber"("agentId");

ALTER TABLE "PhoneNumber" ADD CONSTRAINT "PhoneNumber_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "SmsContact" (
    "agentId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "peer" TEXT NOT NULL,
    "disclosedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SmsContact_pkey" PRIMARY KEY ("agentId", "number", "peer")
);

ALTER TABLE "SmsContact" ADD CONSTRAINT "SmsContact_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "SmsOptOut" (
    "number" TEXT NOT NULL,
    "peer" TEXT NOT NULL,
    "agentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SmsOptOut_pkey" PRIMARY KEY ("number", "peer")
);

ALTER TABLE "SmsOptOut" ADD CONSTRAINT "SmsOptOut_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;
