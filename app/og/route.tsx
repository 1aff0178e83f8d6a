/** GET /og: the site's 1200×630 Open Graph image (the catalog). */
import { config } from "@/lib/config";
import { renderOgImage } from "@/lib/og/image";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET() {
  return renderOgImage({
    emoji: "🤖",
    title: "Convos Agents",
    description:
      "Pick an AI agent, scan the code, and it joins your end-to-end encrypted Convos chat in a second.",
    eyebrow: "Agent catalog",
    url: config().PUBLIC_URL,
  });
}
