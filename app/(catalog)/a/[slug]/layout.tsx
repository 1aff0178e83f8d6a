/**
 * Decides "does this template exist?" *above* the page's loading.tsx: a
 * loading boundary starts streaming (and fixes the status at 200) before the
 * page could call notFound(). Here nothing has been sent yet, so an unknown
 * slug gets a real 404, rendered by ../not-found.tsx (a not-found.tsx in this
 * segment would sit inside this layout and not catch it).
 */
import { notFound } from "next/navigation";
import { loadTemplate } from "./data";

export default async function TemplateLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  if (!(await loadTemplate(slug))) notFound();
  return children;
}
