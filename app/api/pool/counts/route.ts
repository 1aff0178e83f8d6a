/** Public pool counts: `{idle, claimed, provisioning, failed}` and nothing else (no invites, no instructions). */
import { identityCounts } from "@/lib/pool/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const counts = await identityCounts();
  return Response.json(
    { idle: counts.idle, claimed: counts.claimed, provisioning: counts.provisioning, failed: counts.failed },
    { headers: { "cache-control": "no-store" } },
  );
}
