import { describe, expect, it } from "vitest";
import { RENEW_AFTER_MS, RENEW_SPREAD, renewalAgeMs, renewalDue } from "./attestation-renewal";

const HOUR = 60 * 60 * 1000;

describe("attestation renewal ages", () => {
  it("spreads 1,000 agents' renewals over the window, each well before the 24-hour limit", () => {
    const ages = Array.from({ length: 1000 }, (_, i) => renewalAgeMs(`identity-${i}`));
    const low = RENEW_AFTER_MS * (1 - RENEW_SPREAD);
    for (const age of ages) {
      expect(age).toBeGreaterThanOrEqual(low);
      expect(age).toBeLessThanOrEqual(RENEW_AFTER_MS);
    }
    // Agents launched in the same minute renew over about three hours, at most ~2% in any ten minutes.
    const buckets = new Map<number, number>();
    for (const age of ages)
      buckets.set(Math.floor(age / (10 * 60_000)), (buckets.get(Math.floor(age / (10 * 60_000))) ?? 0) + 1);
    expect(Math.max(...ages) - Math.min(...ages)).toBeGreaterThan(2.8 * HOUR);
    expect(Math.max(...buckets.values())).toBeLessThan(1000 * 0.1);
    expect(renewalAgeMs("identity-1")).toBe(renewalAgeMs("identity-1"));
  });

  it("is due with no attestation, or once past the identity's age", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    const p = (ms: number | null) => ({
      identityId: "identity-7",
      attestedAt: ms === null ? null : new Date(now.getTime() - ms),
      profileName: null,
    });
    expect(renewalDue(p(null), now)).toBe(true);
    expect(renewalDue(p(renewalAgeMs("identity-7") - 1000), now)).toBe(false);
    expect(renewalDue(p(renewalAgeMs("identity-7")), now)).toBe(true);
    expect(renewalDue(p(13 * HOUR), now)).toBe(true);
    expect(renewalDue(p(8 * HOUR), now)).toBe(false);
  });
});
