/**
 * Profile messages (docs/convos-protocol.md §7.5, §7.6, §8): `convos.org/profile_update:1.0`, sent by
 * a member about itself, and `convos.org/profile_snapshot:1.0`, sent by whoever
 * adds members so that newcomers (who cannot read older messages under MLS
 * forward secrecy) see everyone's profile. Protobuf bodies, silent, no fallback.
 */
import { fromHex, toHex } from "@/lib/convos/bytes";
import { ConvosError } from "@/lib/convos/errors";
import type { EncryptedImageRef } from "@/lib/convos/metadata";
import { ProfileSnapshotType, ProfileUpdateType } from "@/lib/convos/proto";
import { convosContentType, type ContentCodec, type EncodedContent } from "./json";

export const ContentTypeProfileUpdate = convosContentType("profile_update");
export const ContentTypeProfileSnapshot = convosContentType("profile_snapshot");

export const MemberKind = { Unspecified: 0, Agent: 1 } as const;

export type MetadataValue = string | number | boolean;

export interface ProfileUpdate {
  name?: string;
  encryptedImage?: EncryptedImageRef;
  /** 0 = unspecified, 1 = agent; agents MUST send 1 (§8.1). */
  memberKind: number;
  metadata?: Record<string, MetadataValue>;
}

export interface MemberProfile extends ProfileUpdate {
  inboxId: string;
}

export interface ProfileSnapshot {
  profiles: MemberProfile[];
}

type Obj = Record<string, unknown>;
const own = (o: Obj, k: string) =>
  Object.prototype.hasOwnProperty.call(o, k) ? (o[k] ?? undefined) : undefined;

function metadataToProto(m: Record<string, MetadataValue> | undefined): Obj | undefined {
  if (!m || Object.keys(m).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [
      k,
      typeof v === "string"
        ? { stringValue: v }
        : typeof v === "number"
          ? { numberValue: v }
          : { boolValue: v },
    ]),
  );
}

function metadataFromProto(raw: unknown): Record<string, MetadataValue> | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const out: Record<string, MetadataValue> = {};
  for (const [k, v] of Object.entries(raw as Record<string, Obj>)) {
    // protobufjs' virtual oneof getter names the member that was on the wire, even for "", 0 or false
    const which = (v as { value?: string }).value;
    if (which === "stringValue" || which === "numberValue" || which === "boolValue")
      out[k] = v[which] as MetadataValue;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function imageToProto(img: EncryptedImageRef | undefined): Obj | undefined {
  return img ? { url: img.url, salt: img.salt, nonce: img.nonce } : undefined;
}

/** §8.1: a reference whose salt is not 32 bytes or nonce not 12 bytes is dropped. */
function imageFromProto(raw: unknown): EncryptedImageRef | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const o = raw as Obj;
  const salt = own(o, "salt") as Uint8Array | undefined;
  const nonce = own(o, "nonce") as Uint8Array | undefined;
  if (salt?.length !== 32 || nonce?.length !== 12) return undefined;
  return { url: (own(o, "url") as string) ?? "", salt: new Uint8Array(salt), nonce: new Uint8Array(nonce) };
}

function profileToProto(p: ProfileUpdate): Obj {
  const o: Obj = {};
  if (p.name !== undefined) o.name = p.name;
  if (p.encryptedImage) o.encryptedImage = imageToProto(p.encryptedImage);
  if (p.memberKind) o.memberKind = p.memberKind;
  const metadata = metadataToProto(p.metadata);
  if (metadata) o.metadata = metadata;
  return o;
}

function profileFromProto(o: Obj): ProfileUpdate {
  const p: ProfileUpdate = { memberKind: (own(o, "memberKind") as number | undefined) ?? 0 };
  const name = own(o, "name");
  if (typeof name === "string") p.name = name;
  const image = imageFromProto(own(o, "encryptedImage"));
  if (image) p.encryptedImage = image;
  const metadata = metadataFromProto(own(o, "metadata"));
  if (metadata) p.metadata = metadata;
  return p;
}

function decodeProto<T>(fn: () => T, what: string): T {
  try {
    return fn();
  } catch (cause) {
    throw new ConvosError("invalid_content", `${what} is not valid protobuf`, { cause });
  }
}

export const profileUpdateCodec: ContentCodec<ProfileUpdate> = {
  contentType: ContentTypeProfileUpdate,
  encode: (c): EncodedContent => ({
    type: ContentTypeProfileUpdate,
    parameters: {},
    content: ProfileUpdateType.encode(ProfileUpdateType.fromObject(profileToProto(c))).finish(),
  }),
  decode: (content) =>
    decodeProto(
      () => profileFromProto(ProfileUpdateType.decode(content.content) as unknown as Obj),
      "profile_update",
    ),
  fallback: () => undefined,
  shouldPush: () => false,
};

export const profileSnapshotCodec: ContentCodec<ProfileSnapshot> = {
  contentType: ContentTypeProfileSnapshot,
  encode: (c): EncodedContent => ({
    type: ContentTypeProfileSnapshot,
    parameters: {},
    content: ProfileSnapshotType.encode(
      ProfileSnapshotType.fromObject({
        profiles: c.profiles.map((p) => ({ inboxId: fromHex(p.inboxId), ...profileToProto(p) })),
      }),
    ).finish(),
  }),
  decode: (content) =>
    decodeProto(() => {
      const m = ProfileSnapshotType.decode(content.content) as unknown as Obj;
      const profiles = ((own(m, "profiles") as Obj[] | undefined) ?? []).map((o) => ({
        inboxId: toHex((own(o, "inboxId") as Uint8Array | undefined) ?? new Uint8Array()),
        ...profileFromProto(o),
      }));
      return { profiles };
    }, "profile_snapshot"),
  fallback: () => undefined,
  shouldPush: () => false,
};
