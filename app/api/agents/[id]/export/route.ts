/**
 * The owner downloads everything we hold about one agent as JSON
 * (lib/privacy/export.ts): 401 signed out, 404 for a missing agent or someone else's.
 */
import { jsonError } from "@/lib/api/responses";
import { currentUser } from "@/lib/auth/session";
import { agentExport, exportJson } from "@/lib/privacy/export";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return jsonError("unauthenticated", "Please sign in first.", 401);
  const { id } = await params;
  const data = id.length <= 64 ? await agentExport(id, user.id) : null;
  if (!data) return jsonError("not_found", "No such agent of yours.", 404);
  return new Response(exportJson(data), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="agent-${data.agent.id}.json"`,
      "cache-control": "no-store",
    },
  });
}
