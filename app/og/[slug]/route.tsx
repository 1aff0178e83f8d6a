/** GET /og/<slug>: the template's 1200×630 Open Graph image; 404 for unknown or unpublished slugs. */
import { categoryLabel } from "@/lib/templates/catalog";
import { getPublishedTemplate } from "@/lib/templates/queries";
import { renderOgImage } from "@/lib/og/image";
import { templatePageUrl } from "@/lib/qr";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const template = await getPublishedTemplate(slug);
  if (!template)
    return new Response("Template not found", { status: 404, headers: { "Content-Type": "text/plain" } });
  return renderOgImage({
    emoji: template.emoji,
    title: template.name,
    description: template.description,
    eyebrow: categoryLabel(template.category),
    url: templatePageUrl(template.slug),
  });
}
