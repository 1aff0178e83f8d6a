/**
 * A photo as the model sees it: decoded and scaled by sharp (libvips, on libuv's thread pool, never the
 * worker's JavaScript thread) to at most IMAGE_MAX_SIDE on its longest side, turned upright from its EXIF
 * orientation, its metadata (location included) dropped, and encoded as JPEG: a `data:` URL for an
 * `image_url` part. What it costs the token budget is bounded by IMAGE_TOKEN_BOUND (lib/llm/budget.ts).
 *
 * A decompression bomb (a small file that claims an enormous canvas) is refused from its header before
 * any pixel is decoded: sharp's `limitInputPixels` (IMAGE_MAX_PIXELS). Only IMAGE_SLOTS images are decoded
 * at once per process, so twenty photos arriving together queue instead of holding twenty canvases.
 */
import sharp from "sharp";
import { AttachmentError } from "./download";
import { Slots } from "@/lib/slots";

/** The longest side sent to a model (Anthropic's recommended size; OpenAI and Gemini scale within it). */
export const IMAGE_MAX_SIDE = 1_568;
/** The largest canvas decoded: 50 megapixels (a 48 MP phone photo passes, a 30,000² bomb does not). */
export const IMAGE_MAX_PIXELS = 50_000_000;
/** Images decoded at once in this process. */
export const IMAGE_SLOTS = 2;
const JPEG_QUALITY = 80;

const slots = new Slots(IMAGE_SLOTS);
// libvips keeps recent operations' results (50 MB by default): each photo is scaled once, so that is memory
// held for nothing.
sharp.cache(false);

export interface ScaledImage {
  /** `data:image/jpeg;base64,…` */
  dataUrl: string;
  width: number;
  height: number;
  bytes: number;
}

/** `bytes` (an image whose type was checked) scaled for the model; throws AttachmentError when it can't be decoded. */
export function scaleImage(bytes: Uint8Array): Promise<ScaledImage> {
  return slots.run(async () => {
    try {
      const { data, info } = await sharp(bytes, { limitInputPixels: IMAGE_MAX_PIXELS, failOn: "error" })
        .rotate()
        .resize(IMAGE_MAX_SIDE, IMAGE_MAX_SIDE, { fit: "inside", withoutEnlargement: true })
        .flatten({ background: "#ffffff" })
        .jpeg({ quality: JPEG_QUALITY })
        .toBuffer({ resolveWithObject: true });
      return {
        dataUrl: `data:image/jpeg;base64,${data.toString("base64")}`,
        width: info.width,
        height: info.height,
        bytes: data.length,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : "";
      if (/pixel limit/i.test(message))
        throw new AttachmentError("too_large", "its picture is too large to open");
      throw new AttachmentError("type_mismatch", "its picture could not be read");
    }
  });
}
