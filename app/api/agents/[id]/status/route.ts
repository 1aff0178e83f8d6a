/**
 * An agent's live status for its owner (polled by the claim result and My
 * agents): 401 signed out, 404 for a missing agent or someone else's.
 */
import { agentStatusForOwner } from "@/lib/agents/queries";
import { jsonError } from "@/lib/api/responses";
import { currentUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return jsonError("unauthenticated", "Please sign in first.", 401);
  const { id } = await params;
  const status = id.length <= 64 ? await agentStatusForOwner(id, user.id) : null;
  if (!status) return jsonError("not_found", "No such agent of yours.", 404);
  return Response.json(status, { headers: { "cache-control": "no-store" } });
}
