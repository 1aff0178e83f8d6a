/** Prometheus metrics (lib/metrics): for admins (session) or `Authorization: Bearer $METRICS_TOKEN`. */
import { jsonError, secretMatches } from "@/lib/api/responses";
import { currentUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { renderMetrics } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  const allowed = bearer
    ? secretMatches(bearer, config().METRICS_TOKEN)
    : (await currentUser())?.role === "admin";
  if (!allowed)
    return jsonError("unauthorized", "Metrics are for admins or holders of the metrics token.", 401);
  const { body, contentType } = await renderMetrics();
  return new Response(body, {
    headers: { "content-type": contentType, "cache-control": "no-store" },
  });
}
