/**
 * `convos.org/join_request:1.0` (docs/convos-protocol.md §7.2): UTF-8 JSON sent by a joiner to the
 * creator in their DM; the fallback text is the invite slug itself, which is
 * what older clients act on.
 */
import { ConvosError } from "@/lib/convos/errors";
import {
  convosContentType,
  decodeJsonObject,
  encodeJson,
  optionalString,
  type ContentCodec,
  type EncodedContent,
} from "./json";

export const ContentTypeJoinRequest = convosContentType("join_request");

export interface JoinRequestProfile {
  name?: string;
  imageURL?: string;
  memberKind?: string;
}

export interface JoinRequest {
  inviteSlug: string;
  profile?: JoinRequestProfile;
  metadata?: Record<string, string>;
}

function profileOf(v: unknown): JoinRequestProfile | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const p: JoinRequestProfile = {};
  if (typeof o.name === "string") p.name = o.name;
  if (typeof o.imageURL === "string") p.imageURL = o.imageURL;
  if (typeof o.memberKind === "string") p.memberKind = o.memberKind;
  return p;
}

function metadataOf(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  // A flat string map: values of other types are dropped rather than failing the request.
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === "string",
    ),
  );
}

/** Codec for join requests; decode throws invalid_content unless `inviteSlug` is a non-empty string. */
export const joinRequestCodec: ContentCodec<JoinRequest> = {
  contentType: ContentTypeJoinRequest,
  encode(c: JoinRequest): EncodedContent {
    const body: JoinRequest = { inviteSlug: c.inviteSlug };
    if (c.profile) body.profile = c.profile;
    if (c.metadata && Object.keys(c.metadata).length > 0) body.metadata = c.metadata;
    return encodeJson(ContentTypeJoinRequest, body, c.inviteSlug);
  },
  decode(content: EncodedContent): JoinRequest {
    const o = decodeJsonObject(content, "join_request");
    const inviteSlug = optionalString(o.inviteSlug);
    if (!inviteSlug) throw new ConvosError("invalid_content", "join_request has no inviteSlug");
    const out: JoinRequest = { inviteSlug };
    const profile = profileOf(o.profile);
    const metadata = metadataOf(o.metadata);
    if (profile) out.profile = profile;
    if (metadata) out.metadata = metadata;
    return out;
  },
  fallback: (c) => c.inviteSlug,
  shouldPush: () => true,
};
