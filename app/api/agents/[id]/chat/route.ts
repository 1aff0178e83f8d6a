/**
 * The browser chat's server-sent events (owner only, XMTP_ENV=local): the
 * conversation's texts and files so far, then each new one, as `message` events, until
 * the page leaves or the chat is closed (the agent stopped). Errors before the
 * stream starts are JSON with their status.
 */
import { jsonError } from "@/lib/api/responses";
import { ownerConversationInvite } from "@/lib/agents/queries";
import { currentUser } from "@/lib/auth/session";
import { guestChat, browserChatEnabled, type ChatMessage } from "@/lib/chat/guest";
import { AppError } from "@/lib/errors";
import { declaredKind } from "@/lib/attachments/sniff";

export const dynamic = "force-dynamic";

/** A message as the page gets it: a file's name, type, size and where to read it; never its keys. */
function wire(agentId: string, m: ChatMessage) {
  const base = `/api/agents/${encodeURIComponent(agentId)}/chat/attachments/${encodeURIComponent(m.id)}`;
  return {
    id: m.id,
    from: m.fromMe ? "me" : "agent",
    name: m.senderName,
    text: m.text,
    files: m.files.map((f, i) => ({
      url: `${base}?file=${i}`,
      name: f.name,
      size: f.size ?? null,
      kind: declaredKind(f.mimeType),
    })),
    sentAt: m.sentAt.toISOString(),
  };
}

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return jsonError("unauthenticated", "Please sign in first.", 401);
  if (!browserChatEnabled())
    return jsonError("chat_disabled", "The browser chat works only on the local XMTP network.", 400);
  const { id } = await params;
  const inviteUrl = id.length <= 64 ? await ownerConversationInvite(id, user.id) : null;
  if (!inviteUrl) return jsonError("not_found", "No conversation of yours to chat in for this agent.", 404);
  let chat;
  try {
    chat = await guestChat({ userId: user.id, agentId: id, inviteUrl, name: user.name ?? "You" });
  } catch (error) {
    if (error instanceof AppError) return jsonError(error.code, error.message, error.status);
    throw error;
  }
  const encoder = new TextEncoder();
  let unsubscribe = () => {};
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stopRelaying = () => {
    unsubscribe();
    clearInterval(heartbeat);
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const end = () => {
        stopRelaying();
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      const send = (m: ChatMessage) => {
        try {
          controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(wire(id, m))}\n\n`));
        } catch {
          unsubscribe(); // the page went away between a text's arrival and the abort
        }
      };
      // Subscribe first, then replay: a text arriving in between is sent twice and the page drops the repeat by id.
      unsubscribe = chat.subscribe(send, end);
      for (const m of chat.transcript()) send(m);
      heartbeat = setInterval(() => controller.enqueue(encoder.encode(": ping\n\n")), 15_000);
      request.signal.addEventListener("abort", end);
    },
    cancel: stopRelaying,
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" },
  });
}
