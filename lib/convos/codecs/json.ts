/**
 * Shared pieces of the Convos content codecs (docs/convos-protocol.md §7): content type ids under
 * the `convos.org` authority, JSON bodies, and the ISO-8601 date rule (§7.8:
 * write whole seconds UTC, read with or without fractional seconds).
 */
import type { ContentTypeId, EncodedContent } from "@xmtp/content-type-primitives";
import { utf8 } from "@/lib/convos/bytes";
import { ConvosError } from "@/lib/convos/errors";

export type { ContentTypeId, EncodedContent };

/**
 * A content codec as @xmtp/content-type-primitives defines it, but declared with
 * method syntax: methods are bivariant in TypeScript, so a codec of a specific
 * content type is assignable to the SDK's `ContentCodec<unknown>[]` `codecs` option.
 */
export interface ConvosCodec<T> {
  contentType: ContentTypeId;
  encode(content: T): EncodedContent;
  decode(content: EncodedContent): T;
  fallback(content: T): string | undefined;
  shouldPush(content: T): boolean;
}
/** Kept for readers who know the upstream name. */
export type ContentCodec<T> = ConvosCodec<T>;

/** `convos.org/<typeId>:1.0`. */
export function convosContentType(typeId: string): ContentTypeId {
  return { authorityId: "convos.org", typeId, versionMajor: 1, versionMinor: 0 };
}

/** True when a message's content type is this Convos type (any minor version). */
export function isContentType(actual: ContentTypeId | undefined | null, expected: ContentTypeId): boolean {
  return (
    !!actual &&
    actual.authorityId === expected.authorityId &&
    actual.typeId === expected.typeId &&
    actual.versionMajor === expected.versionMajor
  );
}

/** ISO-8601 UTC with whole seconds, e.g. 2026-01-15T12:00:00Z (what iOS writes). */
export function isoSeconds(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Parses ISO-8601 with or without fractional seconds; null when it is not a date. */
export function parseIsoDate(text: unknown): Date | null {
  if (typeof text !== "string") return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function encodeJson(type: ContentTypeId, body: unknown, fallback?: string): EncodedContent {
  return {
    type,
    parameters: {},
    ...(fallback !== undefined ? { fallback } : {}),
    content: utf8.encode(JSON.stringify(body)),
  };
}

/** The JSON object in a content body; invalid_content when it is not one. */
export function decodeJsonObject(content: EncodedContent, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(content.content));
  } catch (cause) {
    throw new ConvosError("invalid_content", `${what} is not UTF-8 JSON`, { cause });
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new ConvosError("invalid_content", `${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export const optionalString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Encodes with a codec and sends with its push flag and fallback (node-sdk 5 `send` calls neither). */
export async function sendWithCodec<T>(
  conversation: { send(c: EncodedContent, o: { shouldPush: boolean }): Promise<string> },
  codec: ContentCodec<T>,
  content: T,
): Promise<string> {
  const encoded = codec.encode(content);
  const fallback = codec.fallback(content);
  return conversation.send(fallback !== undefined ? { ...encoded, fallback } : encoded, {
    shouldPush: codec.shouldPush(content),
  });
}
