/**
 * GET /api/agents/<id>/invites/<identityId>/qr: the QR code (PNG) of one of
 * the signed-in owner's agent's invites. Invite URLs are private to the owner,
 * so this is 401 signed out and 404 for anything that isn't theirs (missing or
 * someone else's: indistinguishable), and never stored by shared caches.
 */
import { inviteUrlForOwner } from "@/lib/agents/queries";
import { currentUser } from "@/lib/auth/session";
import { jsonError } from "@/lib/api/responses";
import { INVITE_QR_PIXELS, qrPng } from "@/lib/qr";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const MAX_ID_LENGTH = 64;

export async function GET(
  _request: Request,
  { params }: { params: Promise<{ id: string; identityId: string }> },
) {
  const user = await currentUser();
  if (!user) return jsonError("unauthenticated", "Please sign in first.", 401);
  const { id, identityId } = await params;
  const inviteUrl =
    id.length <= MAX_ID_LENGTH && identityId.length <= MAX_ID_LENGTH
      ? await inviteUrlForOwner(id, identityId, user.id)
      : null;
  if (!inviteUrl) return jsonError("not_found", "No such invite of yours.", 404);
  const png = await qrPng(inviteUrl, INVITE_QR_PIXELS);
  // An invite can be revoked or rotated: the browser may keep it briefly, shared caches never.
  return new Response(new Uint8Array(png), {
    headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=60" },
  });
}
