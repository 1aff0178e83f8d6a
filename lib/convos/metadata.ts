/**
 * Convos group metadata in the XMTP group's `appData` string (docs/convos-protocol.md §5).
 *
 * Wire: ConversationCustomMetadata protobuf → (if >100 bytes and strictly
 * smaller) 0x1F ‖ u32 BE ‖ raw DEFLATE → base64url, no `*`, at most 8 KiB.
 * Read: plain, 0x1F raw/zlib, 0x78 zlib, or legacy JSON `{tag, expiresAtUnix}`.
 *
 * Read-modify-write keeps every top-level field we do not touch byte for byte
 * (including fields newer than our schema and unknown fields inside nested
 * messages), replacing only the patched fields. It refuses to write over
 * metadata it cannot decode or that has no tag, because doing so would erase
 * someone else's tag (CLI 0.10 `parseAppDataForWrite`).
 */
import { concat, fromBase64Url, toBase64Url, toHex, utf8 } from "./bytes";
import { ConvosError } from "./errors";
import { compressFrame, unwrapFrame } from "./frame";
import { ConversationCustomMetadataType, int64ToNumber, scanFields, type RawField } from "./proto";

export const APP_DATA_MAX_BYTES = 8 * 1024;
const COMPRESS_ABOVE = 100;
const APP_DATA_INFLATE_LIMITS = { maxSize: 10 * 1024 * 1024, maxRatio: 100 };

export interface EncryptedImageRef {
  url: string;
  salt: Uint8Array;
  nonce: Uint8Array;
}

export interface LegacyProfile {
  inboxId: string;
  name?: string;
  image?: string;
  encryptedImage?: EncryptedImageRef;
}

export interface ConvosMetadata {
  tag: string;
  /** Legacy profiles (field 2): read, never written (§8.6). */
  profiles: LegacyProfile[];
  expiresAtUnix?: number;
  imageEncryptionKey?: Uint8Array;
  encryptedGroupImage?: EncryptedImageRef;
  emoji?: string;
  agentDm?: { originConversationId?: Uint8Array };
  participationMode?: number;
}

/** Fields a writer may change. `undefined` = keep, `null` = remove. Profiles are never written. */
export type MetadataPatch = {
  [
    K in
      | "tag"
      | "expiresAtUnix"
      | "imageEncryptionKey"
      | "encryptedGroupImage"
      | "emoji"
      | "agentDm"
      | "participationMode"
  ]?: ConvosMetadata[K] | null;
};

const FIELD_NUMBERS: Record<keyof MetadataPatch, number> = {
  tag: 1,
  expiresAtUnix: 3,
  imageEncryptionKey: 4,
  encryptedGroupImage: 5,
  emoji: 6,
  agentDm: 8,
  participationMode: 9,
};

/** The parsed metadata plus the raw fields needed to write it back faithfully. */
export interface DecodedAppData {
  metadata: ConvosMetadata;
  /** Top-level protobuf fields as received; empty for "" and for legacy JSON. */
  fields: RawField[];
  /** True when the input was the legacy JSON form. */
  legacyJson: boolean;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
// protobufjs decodes with prototype defaults; only own properties were on the wire.
function get<T>(o: object, k: string): T | undefined {
  return has(o, k) ? ((o as Record<string, T>)[k] ?? undefined) : undefined;
}

function imageRef(o: object | undefined): EncryptedImageRef | undefined {
  if (!o) return undefined;
  return {
    url: get<string>(o, "url") ?? "",
    salt: new Uint8Array(get<Uint8Array>(o, "salt") ?? []),
    nonce: new Uint8Array(get<Uint8Array>(o, "nonce") ?? []),
  };
}

function fromProto(bytes: Uint8Array): ConvosMetadata {
  const m = ConversationCustomMetadataType.decode(bytes) as object;
  const expires = int64ToNumber(get(m, "expiresAtUnix"));
  const key = get<Uint8Array>(m, "imageEncryptionKey");
  const agentDm = get<object>(m, "agentDm");
  const origin = agentDm ? get<Uint8Array>(agentDm, "originConversationId") : undefined;
  return {
    tag: get<string>(m, "tag") ?? "",
    profiles: (get<object[]>(m, "profiles") ?? []).map((p) => ({
      inboxId: toHex(get<Uint8Array>(p, "inboxId") ?? new Uint8Array()),
      name: get<string>(p, "name"),
      image: get<string>(p, "image"),
      encryptedImage: imageRef(get<object>(p, "encryptedImage")),
    })),
    expiresAtUnix: expires ? expires : undefined, // 0 reads as unset
    imageEncryptionKey: key ? new Uint8Array(key) : undefined,
    encryptedGroupImage: imageRef(get<object>(m, "encryptedGroupImage")),
    emoji: get<string>(m, "emoji"),
    agentDm: agentDm ? { originConversationId: origin ? new Uint8Array(origin) : undefined } : undefined,
    participationMode: get<number>(m, "participationMode"),
  };
}

/** Decodes `appData` in any accepted form; throws invalid_metadata / too_large when it cannot. */
export function decodeAppData(appData: string): DecodedAppData {
  const text = appData.trim();
  if (text === "") return { metadata: { tag: "", profiles: [] }, fields: [], legacyJson: false };
  if (text.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new ConvosError("invalid_metadata", "appData looks like JSON but does not parse", { cause });
    }
    const o = (json && typeof json === "object" ? json : {}) as { tag?: unknown; expiresAtUnix?: unknown };
    const expires =
      typeof o.expiresAtUnix === "number" && o.expiresAtUnix > 0 ? Math.floor(o.expiresAtUnix) : undefined;
    return {
      metadata: { tag: typeof o.tag === "string" ? o.tag : "", profiles: [], expiresAtUnix: expires },
      fields: [],
      legacyJson: true,
    };
  }
  const raw = fromBase64Url(text);
  if (!raw) throw new ConvosError("invalid_metadata", "appData is not base64url");
  try {
    const bytes = unwrapFrame(raw, APP_DATA_INFLATE_LIMITS, "invalid_metadata") ?? raw;
    return { metadata: fromProto(bytes), fields: scanFields(bytes), legacyJson: false };
  } catch (e) {
    if (e instanceof ConvosError) throw e;
    throw new ConvosError("invalid_metadata", "appData is not a ConversationCustomMetadata", { cause: e });
  }
}

/** Never throws: the metadata, or an empty one for display when undecodable (as iOS does). */
export function readAppDataForDisplay(appData: string | undefined): ConvosMetadata {
  try {
    return decodeAppData(appData ?? "").metadata;
  } catch {
    return { tag: "", profiles: [] };
  }
}

/** The invite tag in `appData`, or null when it is absent, empty or unreadable. */
export function appDataTag(appData: string | undefined): string | null {
  return readAppDataForDisplay(appData).tag || null;
}

/** Bytes of one field alone, as protobufjs writes it. */
function encodeField(key: keyof MetadataPatch, value: unknown): Uint8Array {
  if (key === "expiresAtUnix" && !(typeof value === "number" && value > 0)) {
    throw new ConvosError(
      "invalid_metadata",
      "expiresAtUnix must be a positive Unix time (0 reads as exploded in 1970)",
    );
  }
  if (key === "tag" && (typeof value !== "string" || value === ""))
    throw new ConvosError("invalid_metadata", "a tag must be a non-empty string");
  const msg = ConversationCustomMetadataType.fromObject({ [key]: value });
  return ConversationCustomMetadataType.encode(msg).finish();
}

/** Protobuf bytes → appData string: compression rule of §5.3, 8 KiB limit. */
export function encodeAppDataBytes(bytes: Uint8Array): string {
  let wire = bytes;
  if (bytes.length > COMPRESS_ABOVE) {
    const framed = compressFrame(bytes);
    if (framed.length < bytes.length) wire = framed;
  }
  const text = toBase64Url(wire);
  if (utf8.encode(text).length > APP_DATA_MAX_BYTES)
    throw new ConvosError("too_large", `appData would be ${text.length} bytes, over 8 KiB`);
  return text;
}

/** Applies a patch to raw fields: replaces the patched fields in place, appends new ones, keeps the rest verbatim. */
function applyPatch(fields: RawField[], patch: MetadataPatch): Uint8Array {
  let out = [...fields];
  for (const key of Object.keys(patch) as (keyof MetadataPatch)[]) {
    const value = patch[key];
    if (value === undefined) continue;
    const num = FIELD_NUMBERS[key];
    const first = out.findIndex((f) => f.field === num);
    const replacement = value === null ? [] : [{ field: num, bytes: encodeField(key, value) }];
    out = out.filter((f) => f.field !== num);
    out.splice(first >= 0 ? first : out.length, 0, ...replacement);
  }
  return concat(...out.map((f) => f.bytes));
}

/**
 * Read-modify-write: the new `appData` string for `existing` with `patch` applied.
 * Refuses (invalid_metadata) when `existing` is undecodable or non-empty without a
 * tag; an empty string is a fresh group and may be written. The result keeps a tag.
 */
export function updateAppData(existing: string | undefined, patch: MetadataPatch): string {
  const decoded = decodeAppData(existing ?? "");
  const fresh = (existing ?? "").trim() === "";
  if (!fresh && !decoded.metadata.tag)
    throw new ConvosError("invalid_metadata", "refusing to write over appData that has no tag");
  let fields = decoded.fields;
  if (decoded.legacyJson) {
    const { tag, expiresAtUnix } = decoded.metadata;
    fields = scanFields(applyPatch([], { tag, expiresAtUnix }));
  }
  const bytes = applyPatch(fields, patch);
  if (!decodeAppData(toBase64Url(bytes)).metadata.tag)
    throw new ConvosError("invalid_metadata", "refusing to write appData without a tag");
  return encodeAppDataBytes(bytes);
}
