/**
 * A photo, voice note or file of the browser chat (owner only, XMTP_ENV=local): GET ?file=N answers the
 * N-th file (default 0) of message `messageId`, decrypted here from the owner's guest chat and served with
 * the type its bytes proved (lib/chat/files.ts). 404 for an agent that isn't the user's, a message not in
 * that chat's transcript, or a file it doesn't have; nothing tells those apart.
 */
import { jsonError } from "@/lib/api/responses";
import { currentUser } from "@/lib/auth/session";
import { browserChatEnabled } from "@/lib/chat/guest";
import { ownerChatFileResponse } from "@/lib/chat/files";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string; messageId: string }> },
) {
  const user = await currentUser();
  if (!user) return jsonError("unauthenticated", "Please sign in first.", 401);
  if (!browserChatEnabled())
    return jsonError("chat_disabled", "The browser chat works only on the local XMTP network.", 400);
  const { id, messageId } = await params;
  const index = Number(new URL(request.url).searchParams.get("file") ?? "0");
  try {
    return await ownerChatFileResponse({ user, agentId: id, messageId, index, signal: request.signal });
  } catch (error) {
    if (error instanceof AppError) return jsonError(error.code, error.message, error.status);
    throw error;
  }
}
