// Round trips and hostile input for invites, slugs, framings and tokens: each gives a typed error, never a crash or hang.
import { deflateRawSync, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { concat, fromHex, toBase64Url, toHex } from "./bytes";
import { createInvite } from "./create-invite";
import { ConvosError } from "./errors";
import { createSignedInvite, decodeSignedInvite, encodeSignedInvite, isSignedBy } from "./invite";
import { updateAppData } from "./metadata";
import { decodeSlug, encodeSlug, slugToBytes } from "./slug";
import { CONV, INBOX, KEY, PAYLOAD, SIG, SIGNED, SLUG } from "@/test/convos-fixtures";
import {
  decryptConversationToken,
  encryptConversationToken,
  packConversationId,
  unpackConversationId,
} from "./token";
import { checkInviteForJoiner } from "./verify";
import { errorCode } from "@/test/convos-errors";

const frame1F = (body: Uint8Array, declared: number) => {
  const h = new Uint8Array(5);
  h[0] = 0x1f;
  new DataView(h.buffer).setUint32(1, declared);
  return concat(h, body);
};
const signed = fromHex(SIGNED);

describe("slug framings (docs/convos-protocol.md §4.4)", () => {
  it("reads 0x1F + raw DEFLATE (iOS), 0x1F + zlib (CLI) and 0x78 + zlib (node SDK)", () => {
    const forms = [
      frame1F(deflateRawSync(signed), signed.length),
      frame1F(deflateSync(signed), signed.length),
      concat(Uint8Array.of(0x78), deflateSync(signed)),
    ];
    for (const bytes of forms) {
      const slug = toBase64Url(bytes);
      expect(toHex(decodeSlug(slug).payloadBytes)).toBe(PAYLOAD);
      expect(isSignedBy(decodeSlug(slug), KEY)).toBe(true);
    }
  });

  it("accepts base64 padding and `*` anywhere", () => {
    expect(toHex(slugToBytes(SLUG + "=="))).toBe(SIGNED);
    expect(toHex(slugToBytes("*" + SLUG.split("").join("*") + "*"))).toBe(SIGNED);
  });

  it("writes `*` between 300-character chunks and reads it back", () => {
    const long = createSignedInvite(
      {
        conversationToken: fromHex("01" + "00".repeat(40)),
        creatorInboxId: INBOX,
        tag: "t",
        description: "d".repeat(600),
      },
      KEY,
    );
    const slug = encodeSlug(long.bytes);
    const chunks = slug.split("*");
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.slice(0, -1).every((c) => c.length === 300)).toBe(true);
    expect(chunks.at(-1)!.length).toBeLessThanOrEqual(300);
    expect(toHex(slugToBytes(slug))).toBe(toHex(long.bytes));
    expect(encodeSlug(signed)).not.toContain("*"); // 256 chars: no separator
  });

  it("rejects a compressed slug that inflates past the limits", () => {
    const bomb = new Uint8Array(2 * 1024 * 1024); // 2 MiB of zeros deflates to ~2 KiB
    const raw = deflateRawSync(bomb);
    expect(errorCode(() => slugToBytes(toBase64Url(frame1F(raw, bomb.length))))).toBe("too_large"); // declared > 1 MiB
    expect(errorCode(() => slugToBytes(toBase64Url(frame1F(raw, 1024 * 1024))))).toBe("too_large"); // ratio > 100
    const small = deflateRawSync(new Uint8Array(5000));
    expect(errorCode(() => slugToBytes(toBase64Url(frame1F(small, 40))))).toBe("invalid_invite"); // lies about its size
    expect(errorCode(() => slugToBytes(toBase64Url(frame1F(small, 0))))).toBe("too_large");
    const zlibBomb = concat(Uint8Array.of(0x78), deflateSync(bomb));
    expect(errorCode(() => slugToBytes(toBase64Url(zlibBomb)))).toBe("too_large");
  });

  it("gives typed errors for truncated, garbage and unknown framings", () => {
    const started = Date.now();
    expect(errorCode(() => decodeSlug(SLUG.slice(0, 100)))).toBe("invalid_invite");
    expect(errorCode(() => decodeSlug(SLUG.slice(0, 255)))).toMatch(/invalid_invite|bad_signature/);
    expect(errorCode(() => decodeSlug("!!!!"))).toBe("invalid_invite");
    expect(errorCode(() => decodeSlug(""))).toBe("invalid_invite");
    expect(errorCode(() => decodeSlug(toBase64Url(Uint8Array.of(0x42, 1, 2, 3))))).toBe("invalid_invite");
    expect(errorCode(() => decodeSlug(toBase64Url(Uint8Array.of(0x1f, 0, 0))))).toBe("invalid_invite");
    expect(errorCode(() => decodeSlug(toBase64Url(frame1F(Uint8Array.of(1, 2, 3), 10))))).toBe(
      "invalid_invite",
    );
    expect(errorCode(() => decodeSlug("A".repeat(100_000)))).toBe("too_large");
    for (let cut = 1; cut < signed.length; cut += 7)
      expect(() => decodeSlug(toBase64Url(signed.subarray(0, cut)))).toThrow(ConvosError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("rejects a missing or malformed signature as bad_signature", () => {
    const noSig = encodeSignedInvite(fromHex(PAYLOAD), new Uint8Array());
    expect(errorCode(() => decodeSignedInvite(noSig))).toBe("bad_signature");
    const shortSig = decodeSignedInvite(encodeSignedInvite(fromHex(PAYLOAD), fromHex(SIG).subarray(0, 64)));
    expect(errorCode(() => isSignedBy(shortSig, KEY))).toBe("bad_signature");
    const badRecid = fromHex(SIG);
    badRecid[64] = 27;
    expect(
      errorCode(() =>
        checkInviteForJoiner(decodeSignedInvite(encodeSignedInvite(fromHex(PAYLOAD), badRecid))),
      ),
    ).toBe("bad_signature");
    const zeroR = fromHex(SIG);
    zeroR.fill(0, 0, 32);
    expect(
      errorCode(() => checkInviteForJoiner(decodeSignedInvite(encodeSignedInvite(fromHex(PAYLOAD), zeroR)))),
    ).toBe("bad_signature");
  });

  it("tells a wrong creator apart: the signature recovers, but not to our key", () => {
    const other = "1f".repeat(32);
    const forged = createSignedInvite(
      { conversationToken: fromHex("01" + "00".repeat(40)), creatorInboxId: INBOX, tag: "Ab3dE5gH9k" },
      other,
    );
    expect(() => checkInviteForJoiner(forged)).not.toThrow(); // the joiner cannot tell
    expect(isSignedBy(forged, KEY)).toBe(false);
    expect(isSignedBy(forged, other)).toBe(true);
  });
});

describe("joiner checks (§6.1 step 1)", () => {
  const now = 1_800_000_000;
  const make = (extra: object) =>
    createSignedInvite(
      {
        conversationToken: fromHex("01" + "00".repeat(40)),
        creatorInboxId: INBOX,
        tag: "Ab3dE5gH9k",
        ...extra,
      },
      KEY,
    );
  it("rejects an expired invite and an exploded conversation", () => {
    expect(errorCode(() => checkInviteForJoiner(make({ expiresAtUnix: now - 1 }), now))).toBe(
      "expired_invite",
    );
    expect(errorCode(() => checkInviteForJoiner(make({ conversationExpiresAtUnix: now - 1 }), now))).toBe(
      "conversation_expired",
    );
    expect(() =>
      checkInviteForJoiner(make({ expiresAtUnix: now + 60, conversationExpiresAtUnix: now + 60 }), now),
    ).not.toThrow();
  });
  it("treats expiry 0 as unset and never writes it", () => {
    const zero = make({ expiresAtUnix: 0, conversationExpiresAtUnix: 0 });
    expect(zero.payload.expiresAtUnix).toBeUndefined();
    expect(toHex(zero.payloadBytes)).not.toMatch(/^.*(39|41)0000000000000000/);
    const payload = concat(zero.payloadBytes, fromHex("410000000000000000")); // field 8 = 0 written by someone else
    const read = decodeSignedInvite(encodeSignedInvite(payload, zero.signature));
    expect(read.payload.expiresAtUnix).toBeUndefined();
  });
  it("writes sfixed64 expiries as 8 little-endian bytes", () => {
    const inv = make({ expiresAtUnix: 0x01020304, conversationExpiresAtUnix: 0x0a0b0c0d });
    expect(toHex(inv.payloadBytes)).toContain("390d0c0b0a00000000");
    expect(toHex(inv.payloadBytes)).toContain("410403020100000000");
    expect(inv.payload).toMatchObject({ expiresAtUnix: 0x01020304, conversationExpiresAtUnix: 0x0a0b0c0d });
  });
  it("writes expiresAfterUse only when true", () => {
    expect(toHex(make({ expiresAfterUse: true }).payloadBytes)).toContain("4801");
    expect(make({ expiresAfterUse: true }).payload.expiresAfterUse).toBe(true);
  });
});

describe("conversation token (§3)", () => {
  it("round-trips UUIDs, group ids, long ids and unicode", () => {
    const ids = [
      "550e8400-e29b-41d4-a716-446655440000",
      CONV,
      "x",
      "é".repeat(200),
      "a".repeat(300),
      "b".repeat(65535),
    ];
    for (const id of ids) {
      const token = encryptConversationToken(id, INBOX, KEY);
      expect(decryptConversationToken(token, INBOX, KEY)).toBe(id);
    }
    expect(encryptConversationToken("550e8400-e29b-41d4-a716-446655440000", INBOX, KEY).length).toBe(46);
    expect(unpackConversationId(packConversationId("550E8400-E29B-41D4-A716-446655440000"))).toBe(
      "550e8400-e29b-41d4-a716-446655440000",
    );
    expect(toHex(packConversationId("a".repeat(300)).subarray(0, 4))).toBe("0200012c");
  });
  it("uses a fresh nonce every time", () => {
    expect(toHex(encryptConversationToken(CONV, INBOX, KEY))).not.toBe(
      toHex(encryptConversationToken(CONV, INBOX, KEY)),
    );
  });
  it("rejects empty and oversized ids, short tokens, unknown versions and tampering", () => {
    expect(errorCode(() => packConversationId(""))).toBe("invalid_token");
    expect(errorCode(() => packConversationId("c".repeat(65536)))).toBe("invalid_token");
    const token = encryptConversationToken(CONV, INBOX, KEY);
    expect(errorCode(() => decryptConversationToken(token.subarray(0, 31), INBOX, KEY))).toBe(
      "invalid_token",
    );
    expect(
      errorCode(() => decryptConversationToken(concat(Uint8Array.of(2), token.subarray(1)), INBOX, KEY)),
    ).toBe("invalid_token");
    for (const at of [5, 20, 62]) {
      const t = new Uint8Array(token);
      t[at] ^= 1;
      expect(errorCode(() => decryptConversationToken(t, INBOX, KEY))).toBe("tampered_token");
    }
    expect(errorCode(() => decryptConversationToken(token, INBOX, "2".repeat(64)))).toBe("tampered_token");
    expect(errorCode(() => unpackConversationId(Uint8Array.of(2, 5, 1)))).toBe("invalid_token");
    expect(errorCode(() => unpackConversationId(Uint8Array.of(1, 5)))).toBe("invalid_token");
  });
});

describe("createInvite", () => {
  const appData = updateAppData("", { tag: "Ab3dE5gH9k", emoji: "🦊", expiresAtUnix: 1_900_000_000 });
  it("copies tag, emoji and explode time from appData and signs a decodable URL", () => {
    const issued = createInvite({
      conversationId: CONV,
      creatorInboxId: INBOX,
      privateKey: KEY,
      appData,
      env: "dev",
      expiresAtUnix: 1_850_000_000,
    });
    expect(issued.url.startsWith("https://dev.convos.org/v2?i=")).toBe(true);
    const back = decodeSlug(issued.slug);
    expect(back.payload).toMatchObject({
      tag: "Ab3dE5gH9k",
      emoji: "🦊",
      conversationExpiresAtUnix: 1_900_000_000,
      expiresAtUnix: 1_850_000_000,
      expiresAfterUse: false,
    });
    expect(back.payload.name).toBeUndefined();
    expect(isSignedBy(back, KEY)).toBe(true);
    expect(decryptConversationToken(back.payload.conversationToken, INBOX, KEY)).toBe(CONV);
    expect(back.payload.conversationToken.length).toBe(63);
  });
  it("refuses a group without a tag", () => {
    expect(
      errorCode(() =>
        createInvite({
          conversationId: CONV,
          creatorInboxId: INBOX,
          privateKey: KEY,
          appData: "",
          env: "dev",
        }),
      ),
    ).toBe("invalid_metadata");
  });
});
