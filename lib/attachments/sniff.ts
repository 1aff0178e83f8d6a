/**
 * What an attachment's bytes really are, from their first bytes (magic numbers), and whether that is what
 * the sender declared. A sender names the type (`mimeType`) and the file name; both are theirs to choose,
 * so a "PNG" that is really an HTML page is refused before any decoder or model sees it.
 *
 * Only the first bytes are read (at most SNIFF_BYTES, plus a bounded UTF-8 check for text): constant work
 * whatever the payload's size.
 */

/** What an attachment is, for the agent: what it can do with it depends on this alone. */
export type AttachmentKind = "image" | "audio" | "video" | "pdf" | "text" | "other";

/** A type the bytes prove: its MIME type and what kind of attachment that is. */
export interface Sniffed {
  mime: string;
  kind: AttachmentKind;
}

const SNIFF_BYTES = 64;
/** How much of a text file is checked for being text (valid UTF-8, no NUL). */
const TEXT_CHECK_BYTES = 64 * 1024;

const ascii = (b: Uint8Array, at: number, text: string) =>
  b.length >= at + text.length && [...text].every((c, i) => b[at + i] === c.charCodeAt(0));
const bytesAt = (b: Uint8Array, at: number, list: number[]) =>
  b.length >= at + list.length && list.every((x, i) => b[at + i] === x);

/** ISO base media (MP4, M4A, HEIC, MOV): the `ftyp` box's major brand says which. */
function isoMedia(b: Uint8Array): Sniffed | undefined {
  if (!ascii(b, 4, "ftyp")) return undefined;
  const brand = String.fromCharCode(...b.subarray(8, 12));
  if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return { mime: "image/heic", kind: "image" };
  if (/^avi[fs]$/.test(brand)) return { mime: "image/avif", kind: "image" };
  if (/^(M4A |M4B |F4A )$/.test(brand)) return { mime: "audio/mp4", kind: "audio" };
  if (brand === "qt  ") return { mime: "video/quicktime", kind: "video" };
  // isom, mp41, mp42, 3gp…: a container that may hold only sound (voice memos often say mp42).
  return { mime: "video/mp4", kind: "video" };
}

/** RIFF containers: WebP images, WAV sound, AVI video. */
function riff(b: Uint8Array): Sniffed | undefined {
  if (!ascii(b, 0, "RIFF")) return undefined;
  if (ascii(b, 8, "WEBP")) return { mime: "image/webp", kind: "image" };
  if (ascii(b, 8, "WAVE")) return { mime: "audio/wav", kind: "audio" };
  if (ascii(b, 8, "AVI ")) return { mime: "video/x-msvideo", kind: "video" };
  return undefined;
}

const SIGNATURES: { test: (b: Uint8Array) => boolean; sniffed: Sniffed }[] = [
  {
    test: (b) => bytesAt(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    sniffed: { mime: "image/png", kind: "image" },
  },
  { test: (b) => bytesAt(b, 0, [0xff, 0xd8, 0xff]), sniffed: { mime: "image/jpeg", kind: "image" } },
  {
    test: (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a"),
    sniffed: { mime: "image/gif", kind: "image" },
  },
  { test: (b) => ascii(b, 0, "%PDF-"), sniffed: { mime: "application/pdf", kind: "pdf" } },
  { test: (b) => ascii(b, 0, "OggS"), sniffed: { mime: "audio/ogg", kind: "audio" } },
  { test: (b) => ascii(b, 0, "ID3"), sniffed: { mime: "audio/mpeg", kind: "audio" } },
  {
    test: (b) => b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0,
    sniffed: { mime: "audio/mpeg", kind: "audio" },
  },
  { test: (b) => ascii(b, 0, "fLaC"), sniffed: { mime: "audio/flac", kind: "audio" } },
  { test: (b) => ascii(b, 0, "#!AMR"), sniffed: { mime: "audio/amr", kind: "audio" } },
  { test: (b) => bytesAt(b, 0, [0x1a, 0x45, 0xdf, 0xa3]), sniffed: { mime: "video/webm", kind: "video" } },
  {
    test: (b) => bytesAt(b, 0, [0x50, 0x4b, 0x03, 0x04]),
    sniffed: { mime: "application/zip", kind: "other" },
  },
  { test: (b) => bytesAt(b, 0, [0x1f, 0x8b]), sniffed: { mime: "application/gzip", kind: "other" } },
];

/** Whether the first TEXT_CHECK_BYTES are UTF-8 text (a cut multi-byte character at the end is allowed). */
function looksLikeText(b: Uint8Array): boolean {
  const head = b.subarray(0, TEXT_CHECK_BYTES);
  if (head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: head.length < b.length });
    return true;
  } catch {
    return false;
  }
}

/** What `bytes` are, from their signature; plain UTF-8 text when they have none and read as text. */
export function sniff(bytes: Uint8Array): Sniffed {
  const head = bytes.subarray(0, SNIFF_BYTES);
  const found = isoMedia(head) ?? riff(head) ?? SIGNATURES.find((s) => s.test(head))?.sniffed;
  if (found) return found;
  return looksLikeText(bytes)
    ? { mime: "text/plain", kind: "text" }
    : { mime: "application/octet-stream", kind: "other" };
}

/** The kind a declared MIME type claims (what the sender says; `sniff` says what it is). */
export function declaredKind(mimeType: string): AttachmentKind {
  const mime = mimeType.split(";")[0].trim().toLowerCase();
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("audio/")) return "audio";
  if (mime.startsWith("video/")) return "video";
  if (mime === "application/pdf") return "pdf";
  if (mime.startsWith("text/") || /^application\/([a-z.+-]*\+)?(json|csv|xml|x-ndjson)$/.test(mime))
    return "text";
  return "other";
}

/**
 * The attachment's kind when its bytes agree with the declared type, else undefined (refused). A declared
 * image must be an image, audio may come in a video container (an .m4a voice memo is an MP4), a PDF must be
 * one, text must be UTF-8 text. HTML declared as text is still text (the model reads it as text, never
 * renders it). An "other" type is taken as it is declared: nothing opens it.
 */
export function checkDeclared(mimeType: string, bytes: Uint8Array): AttachmentKind | undefined {
  const declared = declaredKind(mimeType);
  const real = sniff(bytes);
  switch (declared) {
    case "image":
    case "pdf":
      return real.kind === declared ? declared : undefined;
    case "audio":
      return real.kind === "audio" || real.kind === "video" ? "audio" : undefined;
    case "video":
      return real.kind === "video" || real.kind === "audio" ? "video" : undefined;
    case "text":
      return real.kind === "text" ? "text" : undefined;
    default:
      return "other";
  }
}
