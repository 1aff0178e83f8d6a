// Content types of docs/convos-protocol.md §7: exact ids, JSON and protobuf bodies, fallbacks, push flags, and hostile bodies.
import { describe, expect, it } from "vitest";
import { contentTypeToString } from "@xmtp/content-type-primitives";
import { toHex, utf8 } from "./bytes";
import {
  convosCodecs,
  explodeSettingsCodec,
  inviteJoinError,
  inviteJoinErrorCodec,
  inviteJoinHandledCodec,
  isoSeconds,
  joinRequestCodec,
  parseIsoDate,
  profileSnapshotCodec,
  profileUpdateCodec,
} from "@/lib/convos/codecs";
import { ConvosError } from "./errors";
import { agentProfileUpdate, buildProfileSnapshot, displayName, resolveProfiles } from "./profiles";
import { updateAppData } from "./metadata";

const body = (o: unknown) => ({
  type: joinRequestCodec.contentType,
  parameters: {},
  content: utf8.encode(JSON.stringify(o)),
});
const raw = (s: string) => ({ type: joinRequestCodec.contentType, parameters: {}, content: utf8.encode(s) });

describe("content type ids", () => {
  it("registers the seven convos.org types at version 1.0", () => {
    expect(convosCodecs.map((c) => contentTypeToString(c.contentType))).toEqual([
      "convos.org/join_request:1.0",
      "convos.org/invite_join_error:1.0",
      "convos.org/invite_join_handled:1.0",
      "convos.org/profile_update:1.0",
      "convos.org/profile_snapshot:1.0",
      "convos.org/explode_settings:1.0",
      "convos.org/thinking:1.0",
    ]);
  });
});

describe("join_request", () => {
  it("encodes JSON with the slug as fallback, pushes, and round-trips", () => {
    const req = {
      inviteSlug: "CnsK*abc",
      profile: { name: "Ava", memberKind: "agent" },
      metadata: { source: "api" },
    };
    const enc = joinRequestCodec.encode(req);
    expect(JSON.parse(utf8.decode(enc.content))).toEqual(req);
    expect(enc.fallback).toBe("CnsK*abc");
    expect(joinRequestCodec.fallback(req)).toBe("CnsK*abc");
    expect(joinRequestCodec.shouldPush(req)).toBe(true);
    expect(joinRequestCodec.decode(enc)).toEqual(req);
  });
  it("accepts the iOS shape and ignores unknown keys and non-string metadata", () => {
    expect(
      joinRequestCodec.decode(
        body({
          inviteSlug: "s",
          profile: { name: "x", imageURL: "https://i" },
          metadata: { a: "1", b: 2 },
          extra: true,
        }),
      ),
    ).toEqual({
      inviteSlug: "s",
      profile: { name: "x", imageURL: "https://i" },
      metadata: { a: "1" },
    });
  });
  it("rejects bodies without a slug or that are not JSON objects", () => {
    for (const bad of [
      body({}),
      body({ inviteSlug: 5 }),
      body({ inviteSlug: "" }),
      raw("nope"),
      raw("[1]"),
      raw("null"),
      { ...raw(""), content: Uint8Array.of(0xff, 0xfe) },
    ]) {
      expect(() => joinRequestCodec.decode(bad)).toThrow(ConvosError);
    }
  });
});

describe("invite_join_error / invite_join_handled", () => {
  it("writes snake_case types, whole-second timestamps and the spec fallbacks", () => {
    const e = inviteJoinError(
      "conversation_expired",
      "Ab3dE5gH9k",
      "invite tag revoked or rotated since the invite was created",
      new Date("2026-01-15T12:00:00.123Z"),
    );
    const enc = inviteJoinErrorCodec.encode(e);
    expect(utf8.decode(enc.content)).toBe(
      '{"errorType":"conversation_expired","inviteTag":"Ab3dE5gH9k","timestamp":"2026-01-15T12:00:00Z","reason":"invite tag revoked or rotated since the invite was created"}',
    );
    expect(enc.fallback).toBe("This conversation is no longer available");
    expect(inviteJoinErrorCodec.fallback(inviteJoinError("generic_failure", "t"))).toBe(
      "Failed to join conversation",
    );
    expect(inviteJoinErrorCodec.shouldPush(e)).toBe(true);
    expect(inviteJoinErrorCodec.decode(enc)).toEqual(e);
  });
  it("maps unknown error types to conversation_expired and caps reason at 500", () => {
    const d = inviteJoinErrorCodec.decode(
      body({
        errorType: "conversationExpired",
        inviteTag: "t",
        timestamp: "2026-01-15T12:00:00.000Z",
        reason: "r".repeat(900),
      }),
    );
    expect(d.errorType).toBe("conversation_expired");
    expect(d.reason).toHaveLength(500);
    expect(inviteJoinError("generic_failure", "t", "x".repeat(800)).reason).toHaveLength(500);
  });
  it("handled marker: silent, no fallback, round-trips", () => {
    const h = { inviteTag: "t", handledMessageId: "m1", timestamp: isoSeconds(new Date(0)) };
    const enc = inviteJoinHandledCodec.encode(h);
    expect(enc.fallback).toBeUndefined();
    expect(inviteJoinHandledCodec.shouldPush(h)).toBe(false);
    expect(inviteJoinHandledCodec.decode(enc)).toEqual({ ...h, timestamp: "1970-01-01T00:00:00Z" });
  });
  it("reads dates with and without fractional seconds", () => {
    expect(parseIsoDate("2026-01-15T12:00:00Z")?.getTime()).toBe(
      parseIsoDate("2026-01-15T12:00:00.000Z")?.getTime(),
    );
    expect(parseIsoDate("soon")).toBeNull();
    const ex = explodeSettingsCodec.encode({ expiresAt: new Date("2026-01-15T12:00:00.500Z") });
    expect(utf8.decode(ex.content)).toBe('{"expiresAt":"2026-01-15T12:00:00Z"}');
    expect(
      explodeSettingsCodec.decode(raw('{"expiresAt":"2026-01-15T12:00:00.000Z"}')).expiresAt.toISOString(),
    ).toBe("2026-01-15T12:00:00.000Z");
  });
});

describe("profile_update / profile_snapshot", () => {
  const salt = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(12).fill(9);
  it("encodes member_kind agent as field 3 = 1 and metadata as map entries", () => {
    const enc = profileUpdateCodec.encode({ name: "Ava", memberKind: 1 });
    expect(toHex(enc.content)).toBe("0a03417661" + "1801");
    expect(enc.fallback).toBeUndefined();
    expect(profileUpdateCodec.shouldPush({ memberKind: 1 })).toBe(false);
    const withMeta = profileUpdateCodec.encode({ memberKind: 1, metadata: { attestation_kid: "k1" } });
    // field 4 entry { key=1 "attestation_kid", value=2 { string_value=1 "k1" } }
    expect(toHex(withMeta.content)).toBe(
      "1801" + "2217" + "0a0f" + toHex(utf8.encode("attestation_kid")) + "1204" + "0a026b31",
    );
  });
  it("round-trips names, images, kinds and typed metadata; an empty update clears", () => {
    const p = {
      name: "Bo",
      memberKind: 1,
      encryptedImage: { url: "https://x/y", salt, nonce },
      metadata: { s: "v", n: 0, b: false, e: "" },
    };
    expect(profileUpdateCodec.decode(profileUpdateCodec.encode(p))).toEqual(p);
    expect(profileUpdateCodec.decode(profileUpdateCodec.encode({ memberKind: 0 }))).toEqual({
      memberKind: 0,
    });
    expect(profileUpdateCodec.encode({ memberKind: 0 }).content).toHaveLength(0);
  });
  it("drops image references with a wrong salt or nonce length", () => {
    const bad = profileUpdateCodec.encode({
      name: "x",
      memberKind: 0,
      encryptedImage: { url: "u", salt: new Uint8Array(16), nonce },
    });
    expect(profileUpdateCodec.decode(bad).encryptedImage).toBeUndefined();
  });
  it("snapshots carry raw inbox bytes and round-trip", () => {
    const snap = {
      profiles: [
        { inboxId: "aa".repeat(32), name: "A", memberKind: 1 },
        { inboxId: "bb".repeat(32), memberKind: 0 },
      ],
    };
    const enc = profileSnapshotCodec.encode(snap);
    expect(toHex(enc.content).startsWith("0a" + "27" + "0a20" + "aa".repeat(32))).toBe(true);
    expect(profileSnapshotCodec.decode(enc)).toEqual(snap);
  });
  it("rejects garbage protobuf with a typed error", () => {
    for (const c of [Uint8Array.of(0x0a, 0xff), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)]) {
      expect(() => profileSnapshotCodec.decode({ ...raw(""), content: c })).toThrow(ConvosError);
      expect(() => profileUpdateCodec.decode({ ...raw(""), content: c })).toThrow(ConvosError);
    }
  });
});

describe("profile resolution (§8.3)", () => {
  const A = "aa".repeat(32);
  const B = "bb".repeat(32);
  const C = "cc".repeat(32);
  const D = "dd".repeat(32);
  const update = (sender: string, name: string, t: number) => ({
    senderInboxId: sender,
    contentType: profileUpdateCodec.contentType,
    content: { name, memberKind: 0 },
    sentAtNs: BigInt(t),
  });
  const snapshot = (profiles: { inboxId: string; name: string }[], t: number) => ({
    senderInboxId: A,
    contentType: profileSnapshotCodec.contentType,
    content: { profiles: profiles.map((p) => ({ ...p, memberKind: 0 })) },
    sentAtNs: BigInt(t),
  });
  it("prefers the member's latest own update, then the newest snapshot, then legacy appData, then provisional", () => {
    const messages = [
      snapshot(
        [
          { inboxId: A, name: "A-snap" },
          { inboxId: B, name: "B-old" },
        ],
        1,
      ),
      update(A, "A-1", 2),
      update(A, "A-2", 5),
      snapshot([{ inboxId: B, name: "B-new" }], 3),
      { senderInboxId: B, contentType: profileUpdateCodec.contentType, content: undefined, sentAtNs: 9n }, // undecodable: ignored
    ];
    const fixture =
      "HwAAAJ94nOPiq8rJTHLLrCgpLUoNSUwXCuVSWMWAHwixOqan5pVIaWWUlBQUW-nrp1Yk5hbkpOol5-fqJ4KkdBPLEksSi3Qzc4FcvYK8dCEDLoXdhIzlCU5Nzs9L8U3NTUotMmL5ML9vLQBD-CH8";
    const p = resolveProfiles(
      messages,
      fixture,
      new Map([
        [D, { name: "D-prov", memberKind: 1 }],
        [A, { name: "A-prov", memberKind: 1 }],
      ]),
    );
    expect(p.get(A)).toMatchObject({ name: "A-2", source: "update" });
    expect(p.get(B)).toMatchObject({ name: "B-new", source: "snapshot" });
    expect(p.get("bb" + "00".repeat(31))).toMatchObject({ name: "SecondMember", source: "appData" });
    expect(p.get(D)).toMatchObject({ name: "D-prov", source: "provisional" });
    expect(displayName(p, C)).toBe("Somebody");
    expect(displayName(p, A)).toBe("A-2");
  });
  it("an update about someone else is not possible: the sender is the subject", () => {
    const p = resolveProfiles([update(B, "I am B", 1)]);
    expect(p.get(B)?.name).toBe("I am B");
    expect(p.has(A)).toBe(false);
  });
  it("builds agent updates and snapshots", () => {
    expect(agentProfileUpdate("Helper")).toEqual({ name: "Helper", memberKind: 1 });
    const p = resolveProfiles([update(A, "A", 1)], updateAppData("", { tag: "t" }));
    expect(buildProfileSnapshot([A, B], p)).toEqual({ profiles: [{ inboxId: A, name: "A", memberKind: 0 }] });
  });
});
