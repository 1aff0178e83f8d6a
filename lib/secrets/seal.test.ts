import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { deriveSealingKey, loadMasterKey, open, seal, SealError } from "./index.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("seal/open", () => {
  const key = deriveSealingKey("correct horse battery staple 1234");

  it("round-trips a 32-byte key, with a fresh nonce every time, in the v1 layout", () => {
    const secret = new Uint8Array(randomBytes(32));
    const a = seal(key, secret);
    const b = seal(key, secret);
    expect(a.length).toBe(1 + 12 + 32 + 16);
    expect(a[0]).toBe(1);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(open(key, a)).equals(Buffer.from(secret))).toBe(true);
  });

  it("refuses a flipped byte anywhere, a truncation, another version and another key", () => {
    const sealed = seal(key, new Uint8Array(randomBytes(32)));
    for (let i = 0; i < sealed.length; i++) {
      const bad = Uint8Array.from(sealed);
      bad[i] ^= 0x01;
      expect(() => open(key, bad)).toThrow(SealError);
    }
    expect(() => open(key, sealed.subarray(0, 20))).toThrow(/truncated/);
    const v2 = Uint8Array.from(sealed);
    v2[0] = 2;
    expect(() => open(key, v2)).toThrow(/version 2/);
    expect(() => open(deriveSealingKey("another master key of some length"), sealed)).toThrow(
      /does not open/,
    );
  });

  it("derives the same key from the same MASTER_KEY and refuses short ones", () => {
    const sealed = seal(key, new Uint8Array([1, 2, 3]));
    expect([...open(deriveSealingKey("correct horse battery staple 1234"), sealed)]).toEqual([1, 2, 3]);
    expect(() => deriveSealingKey("short")).toThrow(/too short/);
  });
});

describe("loadMasterKey", () => {
  it("uses MASTER_KEY from the environment", () => {
    const env = { MASTER_KEY: "a".repeat(43), NODE_ENV: "production" };
    const sealed = seal(loadMasterKey({ env, dataDir: tmp }), new Uint8Array([9]));
    expect([...open(deriveSealingKey("a".repeat(43)), sealed)]).toEqual([9]);
  });

  it("refuses to start in production without MASTER_KEY", () => {
    expect(() => loadMasterKey({ env: { NODE_ENV: "production" }, dataDir: tmp })).toThrow(
      /production refuses/,
    );
  });

  it("in development generates the key once into DATA_DIR/dev-secrets.json, says so, and reuses it", () => {
    const dir = path.join(tmp, "dev");
    const lines: string[] = [];
    const first = loadMasterKey({
      env: { NODE_ENV: "development" },
      dataDir: dir,
      log: (l) => lines.push(l),
    });
    expect(lines.some((l) => /generated a development MASTER_KEY/.test(l))).toBe(true);
    const file = path.join(dir, "dev-secrets.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    lines.length = 0;
    const second = loadMasterKey({
      env: { NODE_ENV: "development" },
      dataDir: dir,
      log: (l) => lines.push(l),
    });
    expect(lines.some((l) => /generated/.test(l))).toBe(false);
    expect([...open(second, seal(first, new Uint8Array([7])))]).toEqual([7]);
  });
});
