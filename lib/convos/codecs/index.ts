import type { ContentCodec as SdkContentCodec } from "@xmtp/content-type-primitives";
/** All Convos content codecs; pass `convosCodecs` as node-sdk's `codecs` option on every client (docs/convos-protocol.md §7.1). */
import { explodeSettingsCodec } from "./explode-settings";
import { inviteJoinErrorCodec, inviteJoinHandledCodec } from "./invite-join";
import { joinRequestCodec } from "./join-request";
import { profileSnapshotCodec, profileUpdateCodec } from "./profile";
import { thinkingCodec } from "./thinking";

export * from "./explode-settings";
export * from "./invite-join";
export * from "./join-request";
export * from "./profile";
export * from "./thinking";
export { convosContentType, isContentType, isoSeconds, parseIsoDate, sendWithCodec } from "./json";

/**
 * The seven Convos codecs (§7.1); without them typed join requests and replies
 * decode to `undefined`. Typed as the SDK's `ContentCodec<unknown>` (what its
 * `codecs` option takes): a codec's `shouldPush(content: T)` property is not
 * assignable to `(content: unknown)` under strictFunctionTypes.
 */
export const convosCodecs: SdkContentCodec[] = [
  joinRequestCodec,
  inviteJoinErrorCodec,
  inviteJoinHandledCodec,
  profileUpdateCodec,
  profileSnapshotCodec,
  explodeSettingsCodec,
  thinkingCodec,
] as unknown as SdkContentCodec[];
