// appData (docs/convos-protocol.md §5): compression rule, 8 KiB limit, unknown-field preservation, refusal to write undecodable or tagless data.
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { concat, toBase64Url, toHex } from "./bytes";
import { EMOJIS, emojiForConversation } from "./emoji";
import {
  APP_DATA_MAX_BYTES,
  encodeAppDataBytes,
  appDataTag,
  decodeAppData,
  readAppDataForDisplay,
  updateAppData,
} from "./metadata";
import { ConversationCustomMetadataType } from "./proto";
import { generateTag } from "./tag";
import { errorCode } from "@/test/convos-errors";

const raw = (appData: string) => new Uint8Array(Buffer.from(appData, "base64url"));

describe("appData encoding", () => {
  it("stays uncompressed at ≤100 bytes and compresses as 0x1F + raw DEFLATE above, only when smaller", () => {
    const small = updateAppData("", { tag: "Ab3dE5gH9k", emoji: "🦊" });
    expect(raw(small)[0]).toBe(0x0a);
    const compressible = updateAppData(small, {
      encryptedGroupImage: {
        url: "https://example.com/" + "a".repeat(200),
        salt: new Uint8Array(32),
        nonce: new Uint8Array(12),
      },
    });
    const bytes = raw(compressible);
    expect(bytes[0]).toBe(0x1f);
    expect(toHex(bytes.subarray(5, 7))).not.toBe("789c"); // raw DEFLATE, never a zlib body
    expect(decodeAppData(compressible).metadata.encryptedGroupImage?.url).toContain("aaaa");
    expect(compressible).not.toContain("*");
    expect(compressible).not.toContain("=");
    // random bytes do not compress: stays plain even above 100 bytes
    const key = new Uint8Array(32).map(() => Math.floor(Math.random() * 256));
    const incompressible = updateAppData(small, { imageEncryptionKey: key, emoji: "🎭".repeat(1) });
    expect(raw(incompressible)[0]).toBe(0x0a);
  });

  it("refuses to exceed 8 KiB", () => {
    const big = {
      url: Array.from(
        { length: 14000 },
        () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)],
      ).join(""),
      salt: new Uint8Array(32),
      nonce: new Uint8Array(12),
    };
    expect(
      errorCode(() => updateAppData(updateAppData("", { tag: "t" }), { encryptedGroupImage: big })),
    ).toBe("too_large");
    expect(APP_DATA_MAX_BYTES).toBe(8192);
  });

  it("never writes expiresAtUnix = 0 and can clear fields", () => {
    const base = updateAppData("", { tag: "t", expiresAtUnix: 1_900_000_000 });
    expect(decodeAppData(base).metadata.expiresAtUnix).toBe(1_900_000_000);
    expect(errorCode(() => updateAppData(base, { expiresAtUnix: 0 }))).toBe("invalid_metadata");
    expect(
      decodeAppData(updateAppData(base, { expiresAtUnix: null })).metadata.expiresAtUnix,
    ).toBeUndefined();
    expect(errorCode(() => updateAppData(base, { tag: "" }))).toBe("invalid_metadata");
    expect(errorCode(() => updateAppData(base, { tag: null }))).toBe("invalid_metadata");
  });
});

describe("appData read-modify-write", () => {
  it("preserves fields 8, 9, legacy profiles and unknown future fields byte for byte", () => {
    const known = ConversationCustomMetadataType.encode(
      ConversationCustomMetadataType.fromObject({
        tag: "old",
        profiles: [{ inboxId: new Uint8Array(32).fill(0xaa), name: "Agent" }],
        agentDm: { originConversationId: new Uint8Array([1, 2, 3]) },
        participationMode: 2,
      }),
    ).finish();
    const unknown = Uint8Array.from([0x52, 0x03, 0x61, 0x62, 0x63, 0x58, 0x07]); // field 10 "abc", field 11 varint 7
    const before = toBase64Url(concat(known, unknown));
    const after = updateAppData(before, { tag: "new", emoji: "🦊" });
    const hex = toHex(raw(after));
    expect(hex).toContain(toHex(unknown));
    const m = decodeAppData(after).metadata;
    expect(m.tag).toBe("new");
    expect(m.emoji).toBe("🦊");
    expect(m.participationMode).toBe(2);
    expect([...m.agentDm!.originConversationId!]).toEqual([1, 2, 3]);
    expect(m.profiles).toHaveLength(1);
    expect(m.profiles[0].name).toBe("Agent");
  });

  it("reads through compression and writes back preserving everything", () => {
    const pb = ConversationCustomMetadataType.encode(
      ConversationCustomMetadataType.fromObject({ tag: "x".repeat(150) }),
    ).finish();
    const withUnknown = encodeAppDataBytes(concat(pb, Uint8Array.from([0x52, 0x01, 0x7a])));
    expect(raw(withUnknown)[0]).toBe(0x1f);
    const rotated = updateAppData(withUnknown, { tag: "abc" });
    expect(toHex(raw(rotated))).toContain("52017a");
  });

  it("refuses to write over undecodable or tagless metadata, but starts a fresh group", () => {
    expect(errorCode(() => updateAppData("not base64!!", { tag: "t" }))).toBe("invalid_metadata");
    expect(errorCode(() => updateAppData(toBase64Url(Uint8Array.of(0x0a, 0x50)), { tag: "t" }))).toBe(
      "invalid_metadata",
    ); // truncated
    expect(errorCode(() => updateAppData(toBase64Url(Uint8Array.of(0x32, 0x01, 0x41)), { tag: "t" }))).toBe(
      "invalid_metadata",
    ); // emoji only, no tag
    expect(errorCode(() => updateAppData(toBase64Url(Uint8Array.of(0x78, 1, 2, 3)), { tag: "t" }))).toBe(
      "invalid_metadata",
    );
    expect(decodeAppData(updateAppData("", { tag: "fresh" })).metadata.tag).toBe("fresh");
  });

  it("reads 0x78 zlib (node SDK) and legacy JSON, and upgrades JSON to protobuf on write", () => {
    const pb = raw(updateAppData("", { tag: "zz", emoji: "🎸" }));
    const z = toBase64Url(concat(Uint8Array.of(0x78), deflateSync(pb)));
    expect(decodeAppData(z).metadata).toMatchObject({ tag: "zz", emoji: "🎸" });
    const json = '{"tag":"legacy","expiresAtUnix":1900000000}';
    expect(decodeAppData(json).metadata).toMatchObject({ tag: "legacy", expiresAtUnix: 1_900_000_000 });
    const upgraded = updateAppData(json, { emoji: "🎸" });
    expect(decodeAppData(upgraded).metadata).toMatchObject({
      tag: "legacy",
      expiresAtUnix: 1_900_000_000,
      emoji: "🎸",
    });
  });

  it("rejects an appData bomb past the limits", () => {
    const bomb = deflateSync(new Uint8Array(20 * 1024 * 1024));
    const h = new Uint8Array(5);
    h[0] = 0x1f;
    new DataView(h.buffer).setUint32(1, 20 * 1024 * 1024);
    expect(errorCode(() => decodeAppData(toBase64Url(concat(h, bomb))))).toBe("too_large");
    expect(errorCode(() => decodeAppData(toBase64Url(concat(Uint8Array.of(0x78), bomb))))).toBe("too_large");
  });

  it("falls back to empty metadata for display and yields the tag when present", () => {
    expect(readAppDataForDisplay("%%%")).toEqual({ tag: "", profiles: [] });
    expect(appDataTag("%%%")).toBeNull();
    expect(appDataTag("")).toBeNull();
    expect(appDataTag("CgpBYjNkRTVnSDlrMgTwn6aK")).toBe("Ab3dE5gH9k");
  });
});

describe("tags and emoji", () => {
  it("generates 10 characters of [a-zA-Z0-9], different each time", () => {
    const tags = new Set(Array.from({ length: 200 }, () => generateTag()));
    expect(tags.size).toBe(200);
    for (const t of tags) expect(t).toMatch(/^[a-zA-Z0-9]{10}$/);
  });
  it("derives the emoji as EMOJIS[sha256(id)[0] % 90]", () => {
    expect(EMOJIS).toHaveLength(90);
    // sha256("4f2a9c6e1b7d4e0a8c3f5b2d9e1a7c40")[0] computed independently with node:crypto
    for (const id of ["4f2a9c6e1b7d4e0a8c3f5b2d9e1a7c40", "abc", ""]) {
      expect(emojiForConversation(id)).toBe(EMOJIS[createHash("sha256").update(id, "utf8").digest()[0] % 90]);
    }
    expect(EMOJIS[0]).toBe("🥫");
    expect(EMOJIS[50]).toBe("🦊");
    expect(EMOJIS[89]).toBe("🥟");
  });
});
