/**
 * The attestation keys (docs/convos-protocol.md §8.5), read from the settings once: the Ed25519 key that
 * signs (ATTESTATION_PRIVATE_KEY, PEM) under its key id (ATTESTATION_KID), and optionally a retiring
 * public key (ATTESTATION_RETIRING_PUBLIC_KEY, ATTESTATION_RETIRING_KID) that the JWKS keeps listing
 * after a rotation, so attestations signed with it stay valid until every agent has renewed (24 h).
 *
 * A key id left unset is the key's RFC 7638 thumbprint, cut to 16 characters: stable for the key, and
 * different for the next one, which a rotation needs. Nothing here logs or returns the private key's
 * bytes; errors name the setting, never its value.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";

/** A public key as the JWKS lists it: `x` is the raw 32-byte Ed25519 key, base64url. */
export interface AttestationPublicKey {
  kid: string;
  x: string;
}

export interface AttestationSigningKey extends AttestationPublicKey {
  privateKey: KeyObject;
}

export interface AttestationKeys {
  signing: AttestationSigningKey;
  retiring?: AttestationPublicKey;
}

/** The settings this module reads (lib/config.ts). */
export interface AttestationSettings {
  ATTESTATION: boolean;
  ATTESTATION_PRIVATE_KEY?: string;
  ATTESTATION_KID?: string;
  ATTESTATION_RETIRING_PUBLIC_KEY?: string;
  ATTESTATION_RETIRING_KID?: string;
}

export class AttestationKeyError extends Error {
  readonly code = "attestation_key";
}

/** What a key id may hold: it travels in every agent's profile and in the JWKS. */
const KID = /^[A-Za-z0-9._:-]{1,64}$/;
/** The DER header of an Ed25519 SubjectPublicKeyInfo; the raw key is the 32 bytes after it. */
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** A PEM from an environment variable, where newlines are often written as `\n`. */
function pemOf(value: string): string {
  return value.includes("\\n") ? value.replace(/\\n/g, "\n") : value;
}

/** An Ed25519 public key from its raw 32 bytes (a JWK's `x`). */
export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

function rawPublicKey(key: KeyObject): string {
  const der = key.export({ type: "spki", format: "der" });
  return der.subarray(SPKI_PREFIX.length).toString("base64url");
}

/** The RFC 7638 thumbprint of an Ed25519 public key, cut to 16 characters: the default key id. */
export function thumbprintKid(x: string): string {
  return createHash("sha256")
    .update(JSON.stringify({ crv: "Ed25519", kty: "OKP", x }))
    .digest("base64url")
    .slice(0, 16);
}

function kidOf(setting: string, value: string | undefined, x: string): string {
  if (value === undefined) return thumbprintKid(x);
  if (!KID.test(value))
    throw new AttestationKeyError(`${setting} must be 1 to 64 letters, digits or . _ : -`);
  return value;
}

function signingKey(s: AttestationSettings & { ATTESTATION_PRIVATE_KEY: string }): AttestationSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pemOf(s.ATTESTATION_PRIVATE_KEY));
  } catch {
    throw new AttestationKeyError(
      "ATTESTATION_PRIVATE_KEY is not a PEM private key (make one with `openssl genpkey -algorithm ed25519`)",
    );
  }
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new AttestationKeyError(
      `ATTESTATION_PRIVATE_KEY is a ${privateKey.asymmetricKeyType} key; attestations need an Ed25519 key`,
    );
  const x = rawPublicKey(createPublicKey(privateKey));
  return { privateKey, x, kid: kidOf("ATTESTATION_KID", s.ATTESTATION_KID, x) };
}

/** The retiring key: a public PEM, or the 32-byte key in base64url as the old JWKS listed it (`x`). */
function retiringKey(value: string, kidSetting: string | undefined): AttestationPublicKey {
  const pem = pemOf(value);
  let x: string;
  if (pem.startsWith("-----BEGIN")) {
    if (pem.includes("PRIVATE KEY"))
      throw new AttestationKeyError(
        "ATTESTATION_RETIRING_PUBLIC_KEY holds a private key; give its public key (`openssl pkey -pubout`)",
      );
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new AttestationKeyError("ATTESTATION_RETIRING_PUBLIC_KEY is not a PEM public key");
    }
    if (key.asymmetricKeyType !== "ed25519")
      throw new AttestationKeyError("ATTESTATION_RETIRING_PUBLIC_KEY is not an Ed25519 key");
    x = rawPublicKey(key);
  } else {
    if (!/^[A-Za-z0-9_-]{43}$/.test(pem) || Buffer.from(pem, "base64url").length !== 32)
      throw new AttestationKeyError(
        "ATTESTATION_RETIRING_PUBLIC_KEY is neither a PEM public key nor a 32-byte key in base64url",
      );
    x = pem;
  }
  return { x, kid: kidOf("ATTESTATION_RETIRING_KID", kidSetting, x) };
}

/**
 * The keys the settings name; null when attestation is switched off or no signing key is set (agents
 * then publish their profile without attestation). Throws AttestationKeyError on a key that does not
 * parse, a key id out of shape, or a retiring key with the signing key's id.
 */
export function attestationKeys(s: AttestationSettings): AttestationKeys | null {
  if (!s.ATTESTATION || !s.ATTESTATION_PRIVATE_KEY) return null;
  const signing = signingKey({ ...s, ATTESTATION_PRIVATE_KEY: s.ATTESTATION_PRIVATE_KEY });
  if (!s.ATTESTATION_RETIRING_PUBLIC_KEY) return { signing };
  const retiring = retiringKey(s.ATTESTATION_RETIRING_PUBLIC_KEY, s.ATTESTATION_RETIRING_KID);
  if (retiring.kid === signing.kid)
    throw new AttestationKeyError("ATTESTATION_RETIRING_KID must differ from the signing key's id");
  // The old key set again as the retiring one: list it once.
  return retiring.x === signing.x ? { signing } : { signing, retiring };
}

/** A new signing key, for the development secrets: the PEM and its default key id. */
export function generateAttestationKey(): { privateKeyPem: string; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    kid: thumbprintKid(rawPublicKey(publicKey)),
  };
}
