/**
 * Request bodies of the route handlers, read with a size cap: a declared Content-Length over the
 * cap is refused before a byte is read, and a body without one (chunked) is read only up to the cap,
 * so a client cannot make the server buffer more than `maxBytes` whatever it sends.
 */
import { AppError } from "@/lib/errors";

export class BodyTooLargeError extends AppError {
  constructor(maxBytes: number) {
    super("payload_too_large", `The request body is larger than ${maxBytes} bytes.`, 413);
  }
}

/** The body as text, or BodyTooLargeError (HTTP 413) when it is, or says it is, over `maxBytes`. */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && !(/^\d+$/.test(declared.trim()) && Number(declared) <= maxBytes)) {
    throw new BodyTooLargeError(maxBytes);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
