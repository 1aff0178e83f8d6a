/**
 * A file's text for the model, bounded and linear like page reading (lib/web/readable.ts): plain text, CSV
 * and Markdown tidied (whitespace collapsed), JSON re-indented within caps without parsing (json-text.ts),
 * PDF through pdf.js off the worker's thread under a deadline (pdf-text.ts). At most FILE_TEXT_MAX_CHARS
 * of one file, and only the first FILE_TEXT_READ_BYTES of a text file are decoded at all.
 */
import { tidy } from "@/lib/web/readable";
import { jsonText } from "@/lib/web/json-text";
import type { ReadAttachment } from "./download";
import { pdfText } from "./pdf-text";

/** What the model reads of one file at most (characters). */
export const FILE_TEXT_MAX_CHARS = 20_000;
/** Bytes of a text file decoded (a character is at most 4 bytes). */
const FILE_TEXT_READ_BYTES = FILE_TEXT_MAX_CHARS * 4;

export interface FileText {
  text: string;
  /** True when the file had more than was kept. */
  cut: boolean;
}

/** The text of a text or PDF attachment (its kind checked); throws AttachmentError for a PDF that can't be read. */
export async function fileText(a: Pick<ReadAttachment, "kind" | "mimeType" | "bytes">): Promise<FileText> {
  if (a.kind === "pdf") {
    const pdf = await pdfText(a.bytes);
    const text = tidy(pdf.text, FILE_TEXT_MAX_CHARS);
    return { text: text.slice(0, FILE_TEXT_MAX_CHARS), cut: pdf.cut || text.length > FILE_TEXT_MAX_CHARS };
  }
  const head = a.bytes.subarray(0, FILE_TEXT_READ_BYTES);
  const raw = new TextDecoder("utf-8").decode(head);
  let cut = a.bytes.length > head.length;
  let text: string;
  if (/json/i.test(a.mimeType)) {
    const json = jsonText(raw, FILE_TEXT_MAX_CHARS);
    text = json.text;
    cut ||= json.cut;
  } else text = tidy(raw, FILE_TEXT_MAX_CHARS);
  cut ||= text.length > FILE_TEXT_MAX_CHARS;
  return { text: text.slice(0, FILE_TEXT_MAX_CHARS), cut };
}
