/**
 * The encrypted files agents sent, when no S3 store is configured (lib/files/store.ts): GET gives a blob's
 * payload as opaque bytes, or 404 for an id that is unknown, malformed or expired (RETENTION_DAYS).
 *
 * Why serving it to anyone is safe: the payload is AES-256-GCM ciphertext whose key, salt and nonce
 * travel only inside the XMTP message, end-to-end encrypted to the conversation's members; the id is 24
 * random bytes, so the URL can't be guessed either. It is served as application/octet-stream, as an
 * attachment, with nosniff and a CSP that allows nothing, so a browser never renders it; any origin may
 * fetch it (a member's web client), and caches keep it at most an hour, so an erasure takes effect soon.
 */
import { apiSecurityHeaders } from "@/lib/security-headers";
import { config } from "@/lib/config";
import { servedBlob } from "@/lib/files/blobs";

export const dynamic = "force-dynamic";

/** The longest a cache may keep a payload, in seconds. */
const MAX_AGE_S = 3_600;

const notFound = () =>
  new Response("Not found", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const blob = await servedBlob(id);
  if (!blob) return notFound();
  const left = Math.floor((blob.expiresAt.getTime() - Date.now()) / 1000);
  return new Response(Buffer.from(blob.data), {
    headers: {
      ...apiSecurityHeaders(new URL(config().PUBLIC_URL).protocol === "https:"),
      "content-type": "application/octet-stream",
      "content-length": String(blob.data.length),
      "content-disposition": `attachment; filename="${id}.bin"`,
      "cache-control": `public, max-age=${Math.max(0, Math.min(MAX_AGE_S, left))}, immutable`,
      "access-control-allow-origin": "*",
    },
  });
}
