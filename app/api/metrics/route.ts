/** Prometheus metrics (lib/metrics): for admins (session) or `Authorization: Bearer $METRICS_TOKEN`. */
import { jsonError } from "@/lib/api/responses";
import { checkSecret } from "@/lib/api/secret-check";
import { currentUser } from "@/lib/auth/session";
import { clientAddress } from "@/lib/client-address";
import { config } from "@/lib/config";
import { renderMetrics } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";

const UNAUTHORIZED = "Metrics are for admins or holders of the metrics token.";

export async function GET(request: Request) {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (bearer) {
    // Wrong tokens are limited per client address, so the token cannot be guessed.
    const checked = await checkSecret({
      scope: "metrics",
      what: "metrics token",
      presented: bearer,
      expected: config().METRICS_TOKEN,
      client: clientAddress(request.headers),
      unauthorized: UNAUTHORIZED,
    });
    if (!checked.ok) return checked.response;
  } else if ((await currentUser())?.role !== "admin") {
    return jsonError("unauthorized", UNAUTHORIZED, 401);
  }
  const { body, contentType } = await renderMetrics();
  return new Response(body, {
    headers: { "content-type": contentType, "cache-control": "no-store" },
  });
}
