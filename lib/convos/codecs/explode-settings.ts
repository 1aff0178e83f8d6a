/** `convos.org/explode_settings:1.0` (docs/convos-protocol.md §7.7): `{"expiresAt": ISO-8601}` announcing the explode time. */
import { ConvosError } from "@/lib/convos/errors";
import {
  convosContentType,
  decodeJsonObject,
  encodeJson,
  isoSeconds,
  parseIsoDate,
  type ContentCodec,
} from "./json";

export const ContentTypeExplodeSettings = convosContentType("explode_settings");

export interface ExplodeSettings {
  expiresAt: Date;
}

export const explodeSettingsCodec: ContentCodec<ExplodeSettings> = {
  contentType: ContentTypeExplodeSettings,
  encode(c) {
    return encodeJson(ContentTypeExplodeSettings, { expiresAt: isoSeconds(c.expiresAt) }, this.fallback(c));
  },
  decode(content) {
    const expiresAt = parseIsoDate(decodeJsonObject(content, "explode_settings").expiresAt);
    if (!expiresAt) throw new ConvosError("invalid_content", "explode_settings has no valid expiresAt");
    return { expiresAt };
  },
  fallback: (c) => `Conversation expires at ${isoSeconds(c.expiresAt)}`,
  shouldPush: () => true,
};
