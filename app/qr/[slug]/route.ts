/** GET /qr/<slug>: the QR code of a template page, PNG by default or SVG with `?format=svg`; 404 for unknown slugs. */
import { IMAGE_CACHE_CONTROL } from "@/lib/og/cache";
import { qrPng, qrSvg, templatePageUrl } from "@/lib/qr";
import { getPublishedTemplate } from "@/lib/templates/queries";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const template = await getPublishedTemplate(slug);
  if (!template)
    return new Response("Template not found", { status: 404, headers: { "Content-Type": "text/plain" } });

  const url = templatePageUrl(template.slug);
  const format = new URL(request.url).searchParams.get("format") ?? "png";
  if (format === "svg") {
    return new Response(await qrSvg(url), {
      headers: { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": IMAGE_CACHE_CONTROL },
    });
  }
  if (format !== "png") {
    return new Response('Unknown format: use "png" or "svg"', {
      status: 400,
      headers: { "Content-Type": "text/plain" },
    });
  }
  const png = await qrPng(url, 512);
  return new Response(new Uint8Array(png), {
    headers: { "Content-Type": "image/png", "Cache-Control": IMAGE_CACHE_CONTROL },
  });
}
