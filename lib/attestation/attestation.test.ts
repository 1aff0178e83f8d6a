import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  signAttestation as cliSign,
  verifyAttestationWithJwks as cliVerify,
} from "@xmtp/convos-cli/utils/attestation";
import { ConfigError, missingInProduction, parseConfig } from "@/lib/config";
import {
  AttestationKeyError,
  attestationKeys,
  generateAttestationKey,
  type AttestationSettings,
} from "./keys";
import { jwksDocument, jwksResponse } from "./jwks";
import { ATTESTATION_MAX_AGE_MS, signAttestation, verifyAttestation, type Attestation } from "./sign";

const INBOX = "9f3c1a2b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";
const HOUR = 60 * 60 * 1000;

function settings(o: Partial<AttestationSettings> = {}): AttestationSettings {
  return { ATTESTATION: true, ATTESTATION_PRIVATE_KEY: generateAttestationKey().privateKeyPem, ...o };
}

function keysOf(o: Partial<AttestationSettings> = {}) {
  const keys = attestationKeys(settings(o));
  if (!keys) throw new Error("no keys");
  return keys;
}

/** The CLI's verdict at `now`, on the CLI's own shape of an attestation. */
function cliVerdict(a: Attestation, jwks: ReturnType<typeof jwksDocument>, now: Date, inbox = INBOX) {
  const attestation = { signature: a.attestation, timestamp: a.attestation_ts, kid: a.attestation_kid };
  return cliVerify(inbox, attestation, jwks, undefined, now);
}

describe("attestation signing", () => {
  it("signs the exact bytes the Convos CLI signs, and the CLI verifies it against our JWKS", () => {
    const pem = generateAttestationKey().privateKeyPem;
    const keys = keysOf({ ATTESTATION_PRIVATE_KEY: pem, ATTESTATION_KID: "agents-2026" });
    const at = new Date("2026-12-07T09:30:00.123Z");
    const ours = signAttestation(keys.signing, INBOX, at);
    expect(ours.attestation_ts).toBe("2026-12-07T09:30:00.123Z");
    expect(ours.attestation_kid).toBe("agents-2026");
    // Ed25519 is deterministic: same key, inbox id and timestamp give the CLI's signature byte for byte.
    expect(ours.attestation).toBe(cliSign(INBOX, pem, "agents-2026", ours.attestation_ts).signature);
    expect(ours.attestation).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const jwks = jwksDocument(keys);
    expect(cliVerdict(ours, jwks, new Date(at.getTime() + HOUR))).toEqual({ valid: true });
    expect(verifyAttestation(INBOX, ours, jwks, { now: new Date(at.getTime() + HOUR) })).toEqual({
      valid: true,
    });
  });

  it("is rejected after 24 hours, in the future, for another inbox id, or under an unknown key", () => {
    const keys = keysOf();
    const at = new Date("2026-12-07T00:00:00.000Z");
    const a = signAttestation(keys.signing, INBOX, at);
    const jwks = jwksDocument(keys);
    const at_ = (ms: number) => new Date(at.getTime() + ms);
    expect(verifyAttestation(INBOX, a, jwks, { now: at_(ATTESTATION_MAX_AGE_MS - 1000) }).valid).toBe(true);
    expect(verifyAttestation(INBOX, a, jwks, { now: at_(ATTESTATION_MAX_AGE_MS + 1000) })).toEqual({
      valid: false,
      reason: "too old",
    });
    expect(cliVerdict(a, jwks, at_(ATTESTATION_MAX_AGE_MS + 1000)).valid).toBe(false);
    expect(verifyAttestation(INBOX, a, jwks, { now: at_(-2 * 60_000) }).valid).toBe(false);
    const other = INBOX.replace(/^9/, "8");
    expect(verifyAttestation(other, a, jwks, { now: at_(HOUR) }).valid).toBe(false);
    expect(cliVerdict(a, jwks, at_(HOUR), other).valid).toBe(false);
    expect(verifyAttestation(INBOX, { ...a, attestation_kid: "nope" }, jwks, { now: at_(HOUR) }).valid).toBe(
      false,
    );
    expect(verifyAttestation(INBOX, { ...a, attestation: "short" }, jwks, { now: at_(HOUR) }).valid).toBe(
      false,
    );
  });
});

describe("the JWKS", () => {
  it("lists the signing key as OKP/Ed25519 for signatures, cacheable, and nothing when off", async () => {
    const keys = keysOf({ ATTESTATION_KID: "k1" });
    expect(jwksDocument(keys)).toEqual({
      keys: [{ kid: "k1", kty: "OKP", crv: "Ed25519", x: keys.signing.x, use: "sig" }],
    });
    expect(Buffer.from(keys.signing.x, "base64url")).toHaveLength(32);
    const res = jwksResponse(keys);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toMatch(/public, max-age=300/);
    expect(await res.json()).toEqual(jwksDocument(keys));
    expect(jwksDocument(attestationKeys(settings({ ATTESTATION: false })))).toEqual({ keys: [] });
    expect(attestationKeys({ ATTESTATION: true })).toBeNull();
  });

  it("keeps a retiring key during a rotation, so attestations signed with it stay valid", () => {
    const old = keysOf({ ATTESTATION_KID: "old" });
    const signedBefore = signAttestation(old.signing, INBOX, new Date("2026-12-07T00:00:00Z"));
    const now = new Date("2026-12-07T06:00:00Z");
    const rotated = keysOf({
      ATTESTATION_KID: "new",
      ATTESTATION_RETIRING_PUBLIC_KEY: old.signing.x,
      ATTESTATION_RETIRING_KID: "old",
    });
    expect(jwksDocument(rotated).keys.map((k) => k.kid)).toEqual(["new", "old"]);
    expect(cliVerdict(signedBefore, jwksDocument(rotated), now)).toEqual({ valid: true });
    const signedAfter = signAttestation(rotated.signing, INBOX, now);
    expect(cliVerdict(signedAfter, jwksDocument(rotated), now)).toEqual({ valid: true });
    // Once the retiring key is dropped, what it signed no longer verifies.
    const done = keysOf({ ATTESTATION_PRIVATE_KEY: undefined, ...settingsOfSigning(rotated) });
    expect(cliVerdict(signedBefore, jwksDocument(done), now).valid).toBe(false);
    // The retiring key may also be given as a public PEM.
    const { publicKey } = generateKeyPairSync("ed25519");
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(keysOf({ ATTESTATION_RETIRING_PUBLIC_KEY: pem }).retiring?.x).toHaveLength(43);
    // A key id left unset is the key's thumbprint on both sides, so the retiring key keeps its old id.
    const defaulted = keysOf({ ATTESTATION_KID: undefined });
    const next = keysOf({ ATTESTATION_RETIRING_PUBLIC_KEY: defaulted.signing.x });
    expect(next.retiring?.kid).toBe(defaulted.signing.kid);
  });
});

/** The settings that give `keys`' signing key again (its PEM re-exported), without a retiring key. */
function settingsOfSigning(
  keys: NonNullable<ReturnType<typeof attestationKeys>>,
): Partial<AttestationSettings> {
  return {
    ATTESTATION_PRIVATE_KEY: keys.signing.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    ATTESTATION_KID: keys.signing.kid,
  };
}

describe("attestation keys from the settings", () => {
  it("takes a PEM written on one line with \\n, and defaults the key id to the key's thumbprint", () => {
    const pem = generateAttestationKey().privateKeyPem;
    const a = keysOf({ ATTESTATION_PRIVATE_KEY: pem.replace(/\n/g, "\\n") });
    const b = keysOf({ ATTESTATION_PRIVATE_KEY: pem });
    expect(a.signing.x).toBe(b.signing.x);
    expect(a.signing.kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a.signing.kid).toBe(b.signing.kid);
  });

  it("refuses a bad key with a message that names the setting and never shows the key", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const bad = [
      { ATTESTATION_PRIVATE_KEY: "not-a-pem-SECRETBYTES" },
      { ATTESTATION_PRIVATE_KEY: rsa },
      { ATTESTATION_KID: "has spaces" },
      { ATTESTATION_RETIRING_PUBLIC_KEY: generateAttestationKey().privateKeyPem },
      { ATTESTATION_RETIRING_PUBLIC_KEY: "tooshort" },
      {
        ATTESTATION_KID: "same",
        ATTESTATION_RETIRING_PUBLIC_KEY: keysOf().signing.x,
        ATTESTATION_RETIRING_KID: "same",
      },
    ];
    for (const o of bad) {
      let error: unknown;
      try {
        attestationKeys(settings(o));
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(Object.keys(o))).toBeInstanceOf(AttestationKeyError);
      const message = (error as Error).message;
      expect(message).toMatch(/^ATTESTATION_/);
      expect(message).not.toMatch(/SECRETBYTES|BEGIN/);
    }
  });

  it("is required in production unless switched off, and a bad key refuses to start", () => {
    const production = {
      NODE_ENV: "production",
      AUTH_SECRET: "a",
      MASTER_KEY: "b",
      DATABASE_URL: "postgres://h/d",
      XMTP_ENV: "production",
    };
    expect(missingInProduction(production)).toEqual(["ATTESTATION_PRIVATE_KEY (or ATTESTATION=off)"]);
    expect(() => parseConfig(production)).toThrow(/ATTESTATION_PRIVATE_KEY \(or ATTESTATION=off\)/);
    expect(parseConfig({ ...production, ATTESTATION: "off" }).ATTESTATION).toBe(false);
    const pem = generateAttestationKey().privateKeyPem;
    expect(parseConfig({ ...production, ATTESTATION_PRIVATE_KEY: pem }).ATTESTATION).toBe(true);
    expect(() => parseConfig({ ...production, ATTESTATION_PRIVATE_KEY: "junk" })).toThrow(ConfigError);
    expect(() => parseConfig({ ATTESTATION: "maybe" })).toThrow(/ATTESTATION: on or off/);
    // Development runs without a key: profiles then go out without attestation.
    expect(attestationKeys(parseConfig({}))).toBeNull();
  });
});
