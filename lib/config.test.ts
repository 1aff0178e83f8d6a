import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

describe("parseConfig", () => {
  it("gives every setting a local default", () => {
    const config = parseConfig({});
    expect(config.XMTP_ENV).toBe("local");
    expect(config.DATA_DIR).toBe(".data");
    expect(config.ENABLE_DEV_SIGNIN).toBe(false);
    expect(config.ADMIN_EMAILS).toEqual([]);
  });

  it("normalises the admin list", () => {
    expect(parseConfig({ ADMIN_EMAILS: " Ada@Example.com, ,bob@example.com" }).ADMIN_EMAILS).toEqual([
      "ada@example.com",
      "bob@example.com",
    ]);
  });

  it("refuses production without its secrets, naming them", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => parseConfig({ NODE_ENV: "production", AUTH_SECRET: "x" })).toThrow(
      /MASTER_KEY, DATABASE_URL/,
    );
    expect(
      parseConfig({
        NODE_ENV: "production",
        AUTH_SECRET: "a",
        MASTER_KEY: "b",
        DATABASE_URL: "postgres://h/d",
        XMTP_ENV: "production",
        ATTESTATION: "off",
      }).NODE_ENV,
    ).toBe("production");
  });

  it("refuses to start in production with a short POOL_API_KEY or METRICS_TOKEN, naming it", () => {
    const secrets = {
      NODE_ENV: "production",
      AUTH_SECRET: "a",
      MASTER_KEY: "b",
      DATABASE_URL: "postgres://h/d",
      XMTP_ENV: "production",
      ATTESTATION: "off",
    };
    expect(() => parseConfig({ ...secrets, POOL_API_KEY: "e2e-pool-api-key" })).toThrow(
      /POOL_API_KEY is 16 characters long; production needs at least 32/,
    );
    expect(() => parseConfig({ ...secrets, METRICS_TOKEN: "secret" })).toThrow(/METRICS_TOKEN is 6/);
    expect(parseConfig({ ...secrets, POOL_API_KEY: "k".repeat(32) }).POOL_API_KEY).toHaveLength(32);
    expect(parseConfig({ NODE_ENV: "development", POOL_API_KEY: "short" }).POOL_API_KEY).toBe("short");
  });

  it("refuses production on the local XMTP node unless allowed, saying what to set", () => {
    const secrets = {
      NODE_ENV: "production",
      AUTH_SECRET: "a",
      MASTER_KEY: "b",
      DATABASE_URL: "postgres://h/d",
      ATTESTATION: "off",
    };
    expect(() => parseConfig(secrets)).toThrow(/XMTP_ENV=production.*ALLOW_LOCAL_XMTP=1/);
    expect(parseConfig({ ...secrets, ALLOW_LOCAL_XMTP: "1" }).ALLOW_LOCAL_XMTP).toBe(true);
    // `next build` serves nothing: no refusal while building.
    expect(parseConfig({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" }).XMTP_ENV).toBe(
      "local",
    );
  });

  it("limits sign-in e-mails by default and validates the limits", () => {
    expect(parseConfig({})).toMatchObject({
      SIGNIN_MAILS_PER_HOUR_PER_ADDRESS: 5,
      SIGNIN_MAILS_PER_HOUR_PER_CLIENT: 20,
      TRUST_PROXY: false,
    });
    expect(() => parseConfig({ SIGNIN_MAILS_PER_HOUR_PER_ADDRESS: "0" })).toThrow(
      /SIGNIN_MAILS_PER_HOUR_PER_ADDRESS/,
    );
  });

  it("caps each agent's tokens by default; unlimited only when set so", () => {
    expect(parseConfig({}).LLM_TOKEN_CAP_PER_AGENT).toBe(200_000);
    expect(parseConfig({ LLM_TOKEN_CAP_PER_AGENT: "5000" }).LLM_TOKEN_CAP_PER_AGENT).toBe(5_000);
    expect(parseConfig({ LLM_TOKEN_CAP_PER_AGENT: "Unlimited" }).LLM_TOKEN_CAP_PER_AGENT).toBeUndefined();
    expect(() => parseConfig({ LLM_TOKEN_CAP_PER_AGENT: "-1" })).toThrow(/LLM_TOKEN_CAP_PER_AGENT/);
    expect(parseConfig({}).LLM_MAX_TOKENS).toBe(1_024);
  });

  it("rejects an unknown XMTP environment with a readable message", () => {
    expect(() => parseConfig({ XMTP_ENV: "mainnet" })).toThrow(/XMTP_ENV/);
  });
});
