import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { attestationKeys, generateAttestationKey } from "@/lib/attestation/keys";
import { loadDevSecrets } from "./dev-secrets";

const NAMES = ["AUTH_SECRET", "MASTER_KEY", "ATTESTATION_PRIVATE_KEY", "ATTESTATION_KID"];
const saved = Object.fromEntries(NAMES.map((k) => [k, process.env[k]]));
const dirs: string[] = [];

function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dev-secrets-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("development secrets", () => {
  it("generate an attestation key with its id once, kept across restarts, and never log the key", () => {
    for (const k of NAMES) delete process.env[k];
    const dir = freshDir();
    const lines: string[] = [];
    const first = loadDevSecrets(dir, (l) => lines.push(l));
    expect(first.ATTESTATION_PRIVATE_KEY).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const keys = attestationKeys({
      ATTESTATION: true,
      ATTESTATION_PRIVATE_KEY: first.ATTESTATION_PRIVATE_KEY,
      ATTESTATION_KID: first.ATTESTATION_KID,
    });
    expect(keys?.signing.kid).toBe(first.ATTESTATION_KID);
    expect(
      attestationKeys({ ATTESTATION: true, ATTESTATION_PRIVATE_KEY: first.ATTESTATION_PRIVATE_KEY })?.signing
        .kid,
    ).toBe(first.ATTESTATION_KID);
    expect(fs.statSync(path.join(dir, "dev-secrets.json")).mode & 0o777).toBe(0o600);
    expect(lines.join("\n")).not.toContain("PRIVATE KEY-----");
    expect(loadDevSecrets(dir, () => {})).toEqual(first);
  });

  it("leave the attestation key and its id alone when the environment sets its own key", () => {
    const dir = freshDir();
    for (const k of NAMES) delete process.env[k];
    loadDevSecrets(dir, () => {});
    process.env.ATTESTATION_PRIVATE_KEY = generateAttestationKey().privateKeyPem;
    const secrets = loadDevSecrets(dir, () => {});
    expect(secrets.ATTESTATION_PRIVATE_KEY).toBeUndefined();
    expect(secrets.ATTESTATION_KID).toBeUndefined(); // the generated id names another key
    expect(secrets.MASTER_KEY).toBeDefined();
  });
});
