// docs/convos-protocol.md §10.1 and §10.2, byte for byte.
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "./bytes";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  createSignedInvite,
  decodeSignedInvite,
  encodeSignedInvite,
  isSignedBy,
  publicKeyOf,
  recoverInviteSigner,
  signInvitePayload,
} from "./invite";
import {
  decryptConversationToken,
  deriveTokenKey,
  encryptConversationToken,
  packConversationId,
} from "./token";
import { decodeSlug, encodeSlug } from "./slug";
import { buildInviteUrl } from "./url";
import { decodeAppData, updateAppData } from "./metadata";

import { KEY, PUB, INBOX, CONV, NONCE, TOKEN, PAYLOAD, SIG, SIGNED, SLUG } from "@/test/convos-fixtures";

describe("§10.1 deterministic invite", () => {
  it("derives the HKDF key, packs the id and encrypts the token", () => {
    expect(toHex(publicKeyOf(KEY))).toBe(PUB);
    expect(toHex(deriveTokenKey(KEY, INBOX))).toBe(
      "edc9ac8b423fda5195fe18cc9fb811f8b9b239b23896c15a3290769886c70a97",
    );
    expect(toHex(packConversationId(CONV))).toBe(
      "02203466326139633665316237643465306138633366356232643965316137633430",
    );
    const token = encryptConversationToken(CONV, INBOX, KEY, fromHex(NONCE));
    expect(toHex(token)).toBe(TOKEN);
    expect(token.length).toBe(63);
  });

  it("writes the payload (fields 1–4, no field 9), signs it, and frames the slug and URL", () => {
    const invite = createSignedInvite(
      { conversationToken: fromHex(TOKEN), creatorInboxId: INBOX, tag: "Ab3dE5gH9k", name: "Test Convo" },
      fromHex(KEY),
    );
    expect(toHex(invite.payloadBytes)).toBe(PAYLOAD);
    expect(invite.payloadBytes.length).toBe(123);
    expect(toHex(sha256(invite.payloadBytes))).toBe(
      "e1f28d620ba542a7412d75b091283d9b52e87117d644860bf96babdc69521016",
    );
    expect(toHex(invite.signature)).toBe(SIG);
    expect(toHex(invite.bytes)).toBe(SIGNED);
    expect(invite.bytes.length).toBe(192);
    const slug = encodeSlug(invite.bytes);
    expect(slug).toBe(SLUG);
    expect(slug.length).toBe(256);
    expect(buildInviteUrl(slug, "production")).toBe(`https://popup.convos.org/v2?i=${SLUG}`);
  });

  it("lets the creator verify the slug and decrypt the token", () => {
    const invite = decodeSlug(SLUG);
    expect(invite.payload).toMatchObject({
      tag: "Ab3dE5gH9k",
      name: "Test Convo",
      creatorInboxId: INBOX,
      expiresAfterUse: false,
    });
    expect(toHex(recoverInviteSigner(invite.payloadBytes, invite.signature))).toBe(PUB);
    expect(isSignedBy(invite, KEY)).toBe(true);
    expect(decryptConversationToken(invite.payload.conversationToken, INBOX, KEY)).toBe(CONV);
  });

  it("accepts `48 00` appended (field 9 = false) but the signature no longer verifies over it", () => {
    const payload = fromHex(PAYLOAD + "4800");
    const withField9 = decodeSignedInvite(encodeSignedInvite(payload, fromHex(SIG)));
    expect(withField9.payload.tag).toBe("Ab3dE5gH9k");
    expect(withField9.payload.expiresAfterUse).toBe(false);
    expect(toHex(withField9.payloadBytes)).toBe(PAYLOAD + "4800"); // kept verbatim, not re-serialized
    expect(isSignedBy(withField9, KEY)).toBe(false);
  });

  it("a changed tag still recovers some key, but not the creator's", () => {
    const tampered = PAYLOAD.replace("4162336445356748396b", "4162336445356748396c"); // ...k → ...l
    const invite = decodeSignedInvite(encodeSignedInvite(fromHex(tampered), fromHex(SIG)));
    expect(invite.payload.tag).toBe("Ab3dE5gH9l");
    expect(recoverInviteSigner(invite.payloadBytes, invite.signature)).toHaveLength(65);
    expect(isSignedBy(invite, KEY)).toBe(false);
  });

  it("fails the AEAD with another inbox id as HKDF info / AAD", () => {
    const other = "0011223344556677889900112233445566778899001122334455667788990011";
    expect(() => decryptConversationToken(fromHex(TOKEN), other, KEY)).toThrow(
      expect.objectContaining({ code: "tampered_token" }),
    );
  });

  it("decodes identically with a `*` inserted anywhere", () => {
    for (const at of [1, 50, 128, 255]) {
      const starred = SLUG.slice(0, at) + "*" + SLUG.slice(at);
      expect(toHex(decodeSlug(starred).payloadBytes)).toBe(PAYLOAD);
    }
  });

  it("is deterministic: same key and payload → same signature", () => {
    expect(toHex(signInvitePayload(fromHex(PAYLOAD), KEY))).toBe(SIG);
    expect(toHex(signInvitePayload(fromHex(PAYLOAD), fromHex(KEY)))).toBe(SIG);
  });
});

describe("§10.2 appData", () => {
  it("writes {tag, emoji} uncompressed", () => {
    const appData = updateAppData("", { tag: "Ab3dE5gH9k", emoji: "🦊" });
    expect(appData).toBe("CgpBYjNkRTVnSDlrMgTwn6aK");
    expect(toHex(Buffer.from(appData, "base64url"))).toBe("0a0a4162336445356748396b3204f09fa68a");
    expect(decodeAppData(appData).metadata).toMatchObject({ tag: "Ab3dE5gH9k", emoji: "🦊" });
  });

  it("decodes the golden zlib-in-0x1F fixture", () => {
    const fixture =
      "HwAAAJ94nOPiq8rJTHLLrCgpLUoNSUwXCuVSWMWAHwixOqan5pVIaWWUlBQUW-nrp1Yk5hbkpOol5-fqJ4KkdBPLEksSi3Qzc4FcvYK8dCEDLoXdhIzlCU5Nzs9L8U3NTUotMmL5ML9vLQBD-CH8";
    const raw = Buffer.from(fixture, "base64url");
    expect(toHex(raw.subarray(0, 7))).toBe("1f0000009f789c");
    const { metadata } = decodeAppData(fixture);
    expect(metadata.tag).toBe("zlibFixtureTag");
    expect(metadata.emoji).toBe("🎭");
    expect(toHex(Buffer.from(metadata.emoji!))).toBe("f09f8ead");
    expect(metadata.profiles).toEqual([
      {
        inboxId: "aa" + "00".repeat(31),
        name: "Agent",
        image: "https://example.com/agent-avatar-image.png",
        encryptedImage: undefined,
      },
      { inboxId: "bb" + "00".repeat(31), name: "SecondMember", image: undefined, encryptedImage: undefined },
    ]);
  });
});
