/**
 * Invite slugs (docs/convos-protocol.md §4.1, §4.4). We write only the uncompressed form, the one
 * every client reads; we read every framing any client writes.
 */
import { fromBase64Url, toBase64Url } from "./bytes";
import { ConvosError } from "./errors";
import { unwrapFrame } from "./frame";
import { decodeSignedInvite, type SignedInvite } from "./invite";

const SEPARATOR_EVERY = 300;
/** iOS limits for the 0x1F frame, also applied to 0x78 (§4.4 step 5). */
const INVITE_INFLATE_LIMITS = { maxSize: 1024 * 1024, maxRatio: 100 };
/** A slug longer than this cannot be a real invite even compressed (1 MiB cap / ratio 100 ≈ 10 KiB). */
const MAX_SLUG_CHARS = 64 * 1024;

/** Slug for SignedInvite bytes: base64url, no padding, no compression, `*` between each 300-char chunk. */
export function encodeSlug(signedInviteBytes: Uint8Array): string {
  const code = toBase64Url(signedInviteBytes);
  const chunks: string[] = [];
  for (let i = 0; i < code.length; i += SEPARATOR_EVERY) chunks.push(code.slice(i, i + SEPARATOR_EVERY));
  return chunks.join("*");
}

/** The SignedInvite bytes inside a slug, whatever its framing; throws invalid_invite / too_large. */
export function slugToBytes(slug: string): Uint8Array {
  const code = slug.replaceAll("*", "");
  if (code.length === 0) throw new ConvosError("invalid_invite", "empty invite code");
  if (code.length > MAX_SLUG_CHARS) throw new ConvosError("too_large", "invite code is too long");
  const bytes = fromBase64Url(code);
  if (!bytes || bytes.length === 0) throw new ConvosError("invalid_invite", "invite code is not base64url");
  if (bytes[0] === 0x0a) return bytes;
  const inner = unwrapFrame(bytes, INVITE_INFLATE_LIMITS, "invalid_invite");
  if (!inner)
    throw new ConvosError(
      "invalid_invite",
      `unknown invite framing 0x${bytes[0].toString(16).padStart(2, "0")}`,
    );
  return inner;
}

/** Decodes a slug into a SignedInvite with the payload bytes kept verbatim (§4.4 step 6). */
export function decodeSlug(slug: string): SignedInvite {
  return decodeSignedInvite(slugToBytes(slug));
}
