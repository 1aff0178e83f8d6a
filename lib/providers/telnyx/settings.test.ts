/** SMS is on only with all three of its settings, and a public key that is one; off, the tool is not offered. */
import { describe, expect, it } from "vitest";
import { toolSettings } from "@/lib/agents/tools/settings";
import { ConfigError, parseConfig } from "@/lib/config";
import { TelnyxSigner } from "@/test/fake-telnyx";
import { telnyxSettings } from "./settings";
import { checkTelnyxSignature } from "./signature";

const signer = new TelnyxSigner();
const all = {
  TELNYX_API_KEY: "KEY0123",
  TELNYX_MESSAGING_PROFILE_ID: "40017f8e-0000-4000-8000-000000000001",
  TELNYX_WEBHOOK_PUBLIC_KEY: signer.publicKey,
};

describe("SMS settings", () => {
  it("are off by default, with a safe rate", () => {
    const c = parseConfig({});
    expect(telnyxSettings(c)).toBeUndefined();
    expect(toolSettings(c).telnyx).toBeUndefined();
    expect(c.TELNYX_SENDS_PER_HOUR).toBe(20);
    expect(c.TELNYX_BASE_URL).toBe("https://api.telnyx.com/v2");
  });

  it("are on with all three settings", () => {
    expect(toolSettings(parseConfig(all)).telnyx).toEqual({
      apiKey: "KEY0123",
      messagingProfileId: all.TELNYX_MESSAGING_PROFILE_ID,
      baseUrl: "https://api.telnyx.com/v2",
      sendsPerHour: 20,
    });
  });

  it("refuse some but not all of them, and a public key that isn't one, without echoing it", () => {
    expect(() => parseConfig({ TELNYX_API_KEY: "KEY0123" })).toThrow(/needs all of TELNYX_API_KEY/);
    const bad = () => parseConfig({ ...all, TELNYX_WEBHOOK_PUBLIC_KEY: "c2VjcmV0LW5vdC1hLWtleQ==" });
    expect(bad).toThrow(ConfigError);
    expect(bad).not.toThrow(/c2VjcmV0/);
    expect(() => parseConfig({ ...all, TELNYX_SENDS_PER_HOUR: "0" })).toThrow(ConfigError);
  });
});

describe("checkTelnyxSignature", () => {
  const body = '{"data":{"id":"1"}}';
  const now = 1_800_000_000;
  const check = (headers: Record<string, string>, at = now) =>
    checkTelnyxSignature(
      signer.publicKey,
      {
        signature: headers["telnyx-signature-ed25519"] ?? null,
        timestamp: headers["telnyx-timestamp"] ?? null,
        body,
      },
      at * 1000,
    );

  it("holds within 300 s either way, and not a second more", () => {
    const headers = signer.headers(body, now);
    expect(check(headers, now + 300)).toEqual({ ok: true });
    expect(check(headers, now - 300)).toEqual({ ok: true });
    expect(check(headers, now + 301)).toEqual({ ok: false, why: "stale" });
    expect(check(headers, now - 301)).toEqual({ ok: false, why: "stale" });
  });

  it("binds the timestamp: the same signature under another timestamp fails", () => {
    const headers = signer.headers(body, now);
    expect(check({ ...headers, "telnyx-timestamp": String(now + 1) })).toEqual({
      ok: false,
      why: "bad_signature",
    });
    expect(check({ ...headers, "telnyx-signature-ed25519": "AAAA" })).toEqual({
      ok: false,
      why: "bad_signature",
    });
    expect(check({ "telnyx-timestamp": String(now) })).toEqual({ ok: false, why: "unsigned" });
  });
});
