/**
 * A template's page (`/a/<slug>`): what the agent does, its instructions
 * (markdown, sanitized), first messages to try, the page's QR and share
 * links, and the launch buttons. Unknown slugs get a real 404 (not-found.tsx).
 *
 * Deliberately no loading.tsx: a loading boundary starts streaming before the
 * template is read, which fixes the status at 200 (so notFound() could no
 * longer answer 404) and leaves visitors without JavaScript on the fallback,
 * since streamed content is revealed by an inline script.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Emoji } from "@/app/(catalog)/_components/emoji";
import { MarkdownContent } from "@/app/(catalog)/_components/markdown-content";
import { ShareActions } from "@/app/(catalog)/_components/share-actions";
import { SkillList } from "@/app/(catalog)/_components/skill-list";
import { ToolLines } from "@/app/(catalog)/_components/tool-lines";
import { ClaimPanel } from "./claim-panel";
import { loadTemplate } from "./data";
import { toolBadges, toolInfoFor } from "@/lib/agents/tools/info";
import { currentUser } from "@/lib/auth/session";
import { templatePageUrl } from "@/lib/qr";
import { catalogHref, categoryLabel } from "@/lib/templates/catalog";

export const dynamic = "force-dynamic";

type Params = Promise<{ slug: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug } = await params;
  const template = await loadTemplate(slug);
  // The page answers 404 for a missing template; metadata only names it.
  if (!template) return { title: "Agent not found" };
  const image = {
    url: `/og/${template.slug}`,
    width: 1200,
    height: 630,
    alt: `${template.name}: ${template.description}`,
  };
  return {
    title: template.name,
    description: template.description,
    alternates: { canonical: `/a/${template.slug}` },
    openGraph: {
      type: "website",
      title: template.name,
      description: template.description,
      url: `/a/${template.slug}`,
      siteName: "Convos Agents",
      images: [image],
    },
    twitter: {
      card: "summary_large_image",
      title: template.name,
      description: template.description,
      images: [image],
    },
  };
}

export default async function TemplatePage({ params }: { params: Params }) {
  const { slug } = await params;
  const template = await loadTemplate(slug);
  if (!template) notFound();

  const pageUrl = templatePageUrl(template.slug);
  const user = await currentUser();
  // Signed-out visitors sign in first and come back here.
  const signInHref = `/signin?callbackUrl=${encodeURIComponent(`/a/${template.slug}`)}`;

  return (
    <div className="flex flex-col gap-8">
      <nav aria-label="Breadcrumb" className="text-sm text-ink-muted">
        <ol className="flex flex-wrap items-center gap-1">
          <li>
            <Link href="/" className="hover:text-accent hover:underline">
              All agents
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li>
            <Link
              href={catalogHref({ category: template.category })}
              className="hover:text-accent hover:underline"
            >
              {categoryLabel(template.category)}
            </Link>
          </li>
        </ol>
      </nav>

      <header className="flex flex-col gap-4">
        <div className="flex items-center gap-4">
          <Emoji emoji={template.emoji} size={64} className="shrink-0" />
          <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">{template.name}</h1>
        </div>
        <p className="max-w-3xl text-lg text-ink-muted" data-testid="template-description">
          {template.description}
        </p>
        <SkillList skills={toolBadges(template.tools)} />
        <ToolLines tools={toolInfoFor(template.tools)} />
        <div className="pt-2">
          {user ? (
            <ClaimPanel slug={template.slug} name={template.name} />
          ) : (
            <div className="flex flex-wrap gap-3">
              <Link
                href={signInHref}
                className="rounded-lg bg-accent px-5 py-2.5 font-medium text-accent-ink shadow-sm hover:opacity-90"
              >
                Launch agent
              </Link>
              <Link
                href={signInHref}
                className="rounded-lg border border-line bg-surface px-5 py-2.5 font-medium hover:border-accent"
              >
                Add to my conversation
              </Link>
              <Link
                href={signInHref}
                className="rounded-lg border border-line bg-surface px-5 py-2.5 font-medium hover:border-accent"
              >
                Add by inbox id
              </Link>
            </div>
          )}
        </div>
      </header>

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="flex flex-col gap-6">
          <section
            aria-labelledby="instructions-title"
            className="rounded-card border border-line bg-surface p-6"
          >
            <h2
              id="instructions-title"
              className="mb-3 text-sm font-semibold uppercase tracking-wide text-ink-muted"
            >
              Instructions
            </h2>
            <MarkdownContent source={template.instructions} />
          </section>

          {template.suggestedMessages.length > 0 ? (
            <section aria-labelledby="try-title" className="rounded-card border border-line bg-surface p-6">
              <h2
                id="try-title"
                className="mb-3 text-sm font-semibold uppercase tracking-wide text-ink-muted"
              >
                Try saying
              </h2>
              <ul className="flex flex-col gap-2">
                {template.suggestedMessages.map((message) => (
                  <li
                    key={message}
                    className="w-fit max-w-full rounded-2xl rounded-bl-sm bg-accent-soft px-4 py-2 text-ink"
                  >
                    {message}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>

        <aside
          aria-labelledby="share-title"
          className="flex flex-col gap-4 rounded-card border border-line bg-surface p-6"
        >
          <h2 id="share-title" className="text-sm font-semibold uppercase tracking-wide text-ink-muted">
            Share this agent
          </h2>
          {/* A same-origin image route; next/image would only re-encode a PNG made for this size. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={`/qr/${template.slug}`}
            alt={`QR code for the ${template.name} page: ${pageUrl}`}
            width={256}
            height={256}
            className="mx-auto size-56 rounded-lg border border-line"
          />
          <ShareActions url={pageUrl} title={template.name} />
          <div className="flex flex-col gap-1">
            <label htmlFor="page-link" className="text-sm font-medium">
              Page link
            </label>
            <input
              id="page-link"
              readOnly
              value={pageUrl}
              className="w-full rounded-lg border border-line bg-canvas px-3 py-2 font-mono text-xs"
            />
          </div>
        </aside>
      </div>
    </div>
  );
}
