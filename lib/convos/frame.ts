/**
 * Compression framings shared by invite slugs (docs/convos-protocol.md §4.4) and appData (§5.3–5.4).
 *
 *   0x1F ‖ declared length (u32 BE) ‖ body   body = raw DEFLATE (iOS) or zlib (CLI)
 *   0x78 ‖ complete zlib stream               (convos-node-sdk; no size field)
 *
 * Decompression is bounded before any work is done: node:zlib's
 * `maxOutputLength` stops inflation at the cap, so a "zip bomb" costs at most
 * the cap in memory and never hangs. Only the 0x1F + raw DEFLATE form is written.
 */
import { deflateRawSync, inflateRawSync, inflateSync } from "node:zlib";
import { concat } from "./bytes";
import { ConvosError } from "./errors";

export const FRAME_COMPRESSED = 0x1f;
export const FRAME_ZLIB = 0x78;

export interface InflateLimits {
  /** Maximum decompressed size in bytes. */
  maxSize: number;
  /** Maximum ratio of decompressed size to compressed body size. */
  maxRatio: number;
}

/** Inflated bytes; "overflow" when the output passed the cap; null for a wrong format or corrupt stream. */
function tryInflate(
  fn: typeof inflateSync,
  body: Uint8Array,
  maxOutputLength: number,
): Uint8Array | "overflow" | null {
  try {
    return new Uint8Array(fn(body, { maxOutputLength }));
  } catch (e) {
    return (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" ? "overflow" : null;
  }
}

/**
 * Unwraps a 0x1F or 0x78 frame within the limits; returns null when the bytes
 * are not framed (first byte is neither marker). Throws too_large / invalid_*.
 */
export function unwrapFrame(
  bytes: Uint8Array,
  limits: InflateLimits,
  code: "invalid_invite" | "invalid_metadata",
): Uint8Array | null {
  if (bytes[0] === FRAME_COMPRESSED) {
    if (bytes.length < 6) throw new ConvosError(code, "compressed frame is truncated");
    const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false);
    const body = bytes.subarray(5);
    if (declared === 0 || declared > limits.maxSize) {
      throw new ConvosError(
        "too_large",
        `declared decompressed size ${declared} is outside 1..${limits.maxSize}`,
      );
    }
    if (declared / body.length > limits.maxRatio) {
      throw new ConvosError("too_large", `compression ratio exceeds ${limits.maxRatio}`);
    }
    // Raw DEFLATE is what iOS writes; the zlib body is the CLI's. One byte over the
    // declared size is enough to detect a liar without inflating further.
    const raw = tryInflate(inflateRawSync, body, declared + 1);
    const out = raw instanceof Uint8Array ? raw : (tryInflate(inflateSync, body, declared + 1) ?? raw);
    if (!(out instanceof Uint8Array))
      throw new ConvosError(code, "compressed body does not inflate within its declared size");
    if (out.length !== declared)
      throw new ConvosError(code, `inflated ${out.length} bytes, declared ${declared}`);
    return out;
  }
  if (bytes[0] === FRAME_ZLIB) {
    const body = bytes.subarray(1);
    const cap = Math.min(limits.maxSize, body.length * limits.maxRatio);
    const out = tryInflate(inflateSync, body, cap + 1);
    if (out === "overflow" || (out && out.length > cap))
      throw new ConvosError("too_large", `zlib frame inflates past ${cap} bytes`);
    if (!out) throw new ConvosError(code, "zlib frame does not inflate");
    return out;
  }
  return null;
}

/** 0x1F ‖ u32 BE length ‖ raw DEFLATE of the bytes (the only compressed form we write). */
export function compressFrame(bytes: Uint8Array): Uint8Array {
  const header = new Uint8Array(5);
  header[0] = FRAME_COMPRESSED;
  new DataView(header.buffer).setUint32(1, bytes.length, false);
  return concat(header, new Uint8Array(deflateRawSync(bytes)));
}
