import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { recordProfilePublished } from "./mutations";
import { attestationHealth, publishedProfiles } from "./queries";

const database = withTestDatabase();

describe("attestation records", () => {
  it("records each published profile and reports the oldest attestation among live agents only", async () => {
    const { db } = database();
    const live = await db.agent.create({ data: { name: "a", instructions: "i", status: "live" } });
    const stopped = await db.agent.create({ data: { name: "b", instructions: "i", status: "stopped" } });
    const [one, two, three, gone] = await Promise.all(
      [
        { status: "live", agentId: live.id },
        { status: "live", agentId: live.id },
        { status: "live", agentId: live.id },
        { status: "live", agentId: stopped.id },
      ].map((data) => db.identity.create({ data: data as { status: "live"; agentId: string } })),
    );
    expect(await attestationHealth()).toEqual({ live: 3, unattested: 3, oldestAt: null });

    const old = new Date("2026-12-07T00:00:00Z");
    await recordProfilePublished(one.id, "Ava", old);
    await recordProfilePublished(two.id, "Ava", new Date("2026-12-07T06:00:00Z"));
    await recordProfilePublished(gone.id, "Bo", new Date("2026-12-01T00:00:00Z")); // a stopped agent's: ignored
    expect(await attestationHealth()).toEqual({ live: 3, unattested: 1, oldestAt: old });

    // Sent without attestation (switched off): the name is kept, the time cleared.
    await recordProfilePublished(two.id, "Nova", null);
    const rows = await publishedProfiles([one.id, two.id, three.id]);
    expect(rows.sort((a, b) => a.identityId.localeCompare(b.identityId))).toEqual(
      [
        { identityId: one.id, attestedAt: old, profileName: "Ava" },
        { identityId: two.id, attestedAt: null, profileName: "Nova" },
        { identityId: three.id, attestedAt: null, profileName: null },
      ].sort((a, b) => a.identityId.localeCompare(b.identityId)),
    );
    expect(await publishedProfiles([])).toEqual([]);
  });
});
