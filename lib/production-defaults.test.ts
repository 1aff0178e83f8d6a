import { describe, expect, it } from "vitest";
import { productionRefusals } from "./production-defaults";

const safe = {
  DATABASE_URL: "postgresql://db/convos",
  ALLOW_EMBEDDED_DATABASE: false,
  XMTP_ENV: "production",
  ALLOW_LOCAL_XMTP: false,
};

describe("productionRefusals", () => {
  it("lets a deployment with its own database on the real XMTP network start", () => {
    expect(productionRefusals(safe)).toEqual([]);
    expect(productionRefusals({ ...safe, XMTP_ENV: "dev" })).toEqual([]);
  });

  it("refuses the embedded database, naming DATABASE_URL and ALLOW_EMBEDDED_DATABASE", () => {
    const [refusal, ...rest] = productionRefusals({ ...safe, DATABASE_URL: " " });
    expect(rest).toEqual([]);
    expect(refusal).toMatch(/set DATABASE_URL .*ALLOW_EMBEDDED_DATABASE=1/);
    expect(productionRefusals({ ...safe, DATABASE_URL: undefined, ALLOW_EMBEDDED_DATABASE: true })).toEqual(
      [],
    );
  });

  it("refuses the local XMTP node, naming XMTP_ENV and ALLOW_LOCAL_XMTP", () => {
    const [refusal] = productionRefusals({ ...safe, XMTP_ENV: "local" });
    expect(refusal).toMatch(/XMTP_ENV=production .*ALLOW_LOCAL_XMTP=1/);
    expect(productionRefusals({ ...safe, XMTP_ENV: "local", ALLOW_LOCAL_XMTP: true })).toEqual([]);
  });

  it("names both when both are unsafe", () => {
    expect(productionRefusals({ ...safe, DATABASE_URL: undefined, XMTP_ENV: "local" })).toHaveLength(2);
  });

  it("refuses a pool API key or metrics token under 32 characters, naming the setting", () => {
    const [refusal, ...rest] = productionRefusals({ ...safe, POOL_API_KEY: "short-key" });
    expect(rest).toEqual([]);
    expect(refusal).toMatch(/^POOL_API_KEY is 9 characters long; production needs at least 32/);
    expect(productionRefusals({ ...safe, METRICS_TOKEN: "x".repeat(31) })[0]).toMatch(/^METRICS_TOKEN is 31/);
    expect(
      productionRefusals({ ...safe, POOL_API_KEY: "k".repeat(32), METRICS_TOKEN: "t".repeat(64) }),
    ).toEqual([]);
    expect(productionRefusals({ ...safe, POOL_API_KEY: "", METRICS_TOKEN: undefined })).toEqual([]);
  });
});
