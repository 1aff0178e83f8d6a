/**
 * The protobuf schemas of the Convos protocol, declared once from .proto text
 * (docs/convos-protocol.md §2.1 invite, §5.2 appData, §7.5–7.6 profiles) and parsed with
 * protobufjs' reflection API, so no codegen step is needed. Field names keep
 * protobufjs' default camelCase conversion (`creator_inbox_id` → `creatorInboxId`).
 *
 * Wire notes that matter for compatibility:
 * - expiries are sfixed64 (wire type 1, 8 bytes little-endian);
 * - protobufjs writes every field present on the object, even proto3 defaults,
 *   so writers must leave out `expiresAfterUse: false` to match iOS (§10.1).
 */
import protobuf from "protobufjs";

const SCHEMA = `
syntax = "proto3";
package convos;

message InvitePayload {
  bytes conversationToken = 1;
  bytes creator_inbox_id = 2;
  string tag = 3;
  optional string name = 4;
  optional string description = 5;
  optional string imageURL = 6;
  optional sfixed64 conversationExpiresAtUnix = 7;
  optional sfixed64 expiresAtUnix = 8;
  bool expiresAfterUse = 9;
  optional string emoji = 10;
}

message SignedInvite {
  bytes payload = 1;
  bytes signature = 2;
}

message EncryptedImageRef {
  string url = 1;
  bytes salt = 2;
  bytes nonce = 3;
}

message ConversationProfile {
  bytes inboxId = 1;
  optional string name = 2;
  optional string image = 3;
  optional EncryptedImageRef encryptedImage = 4;
  optional string connections = 5;
}

message AgentDmInfo {
  optional bytes originConversationId = 1;
}

message ConversationCustomMetadata {
  string tag = 1;
  repeated ConversationProfile profiles = 2;
  optional sfixed64 expiresAtUnix = 3;
  optional bytes imageEncryptionKey = 4;
  optional EncryptedImageRef encryptedGroupImage = 5;
  optional string emoji = 6;
  reserved 7;
  optional AgentDmInfo agentDm = 8;
  optional int32 participationMode = 9;
}

enum MemberKind {
  MEMBER_KIND_UNSPECIFIED = 0;
  MEMBER_KIND_AGENT = 1;
}

message MetadataValue {
  oneof value {
    string string_value = 1;
    double number_value = 2;
    bool bool_value = 3;
  }
}

message EncryptedProfileImageRef {
  string url = 1;
  bytes salt = 2;
  bytes nonce = 3;
}

message ProfileUpdate {
  optional string name = 1;
  optional EncryptedProfileImageRef encrypted_image = 2;
  MemberKind member_kind = 3;
  map<string, MetadataValue> metadata = 4;
}

message MemberProfile {
  bytes inbox_id = 1;
  optional string name = 2;
  optional EncryptedProfileImageRef encrypted_image = 3;
  MemberKind member_kind = 4;
  map<string, MetadataValue> metadata = 5;
}

message ProfileSnapshot {
  repeated MemberProfile profiles = 1;
}
`;

const root = protobuf.parse(SCHEMA).root;

export const InvitePayloadType = root.lookupType("convos.InvitePayload");
export const SignedInviteType = root.lookupType("convos.SignedInvite");
export const ConversationCustomMetadataType = root.lookupType("convos.ConversationCustomMetadata");
export const ProfileUpdateType = root.lookupType("convos.ProfileUpdate");
export const ProfileSnapshotType = root.lookupType("convos.ProfileSnapshot");

/** protobufjs decodes 64-bit ints as number or Long depending on the install; this gives a number. */
export function int64ToNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "object" && v !== null && "toNumber" in v) return (v as { toNumber(): number }).toNumber();
  if (typeof v === "object" && v !== null && "low" in v && "high" in v) {
    const { low, high } = v as { low: number; high: number };
    return high * 2 ** 32 + (low >>> 0);
  }
  return Number(v);
}

/** Raw bytes of one top-level field as it appeared on the wire (tag included). */
export interface RawField {
  field: number;
  bytes: Uint8Array;
}

/**
 * Splits a message into its top-level fields, byte-exact and in order. Used to
 * preserve fields our schema does not know (appData §5.5) when writing back.
 */
export function scanFields(bytes: Uint8Array): RawField[] {
  const reader = protobuf.Reader.create(bytes);
  const out: RawField[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 0) throw new Error("invalid field number 0");
    reader.skipType(tag & 7);
    out.push({ field, bytes: bytes.subarray(start, reader.pos) });
  }
  return out;
}
