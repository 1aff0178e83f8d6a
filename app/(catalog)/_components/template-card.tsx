import Link from "next/link";
import { toolBadges } from "@/lib/agents/tools/info";
import { Emoji } from "./emoji";
import { LinkPending } from "./link-pending";
import { SkillList } from "./skill-list";

export interface TemplateCardData {
  slug: string;
  name: string;
  emoji: string;
  description: string;
  /** Tool names; the card's badges are their labels. */
  tools: string[];
}

/**
 * One template in a grid. The whole card is clickable through the heading's
 * link stretched over it (one link per card for screen readers and keyboard,
 * not a link wrapping block content).
 */
export function TemplateCard({
  template,
  headingLevel,
}: {
  template: TemplateCardData;
  headingLevel: 3 | 4;
}) {
  const Heading = headingLevel === 3 ? "h3" : "h4";
  return (
    <article className="relative flex h-full flex-col gap-3 rounded-card border border-line bg-surface p-5 transition hover:border-accent hover:shadow-sm focus-within:border-accent">
      <div className="flex items-center gap-3">
        <Emoji emoji={template.emoji} size={36} className="shrink-0" />
        <Heading className="text-base font-semibold leading-tight">
          <Link
            href={`/a/${template.slug}`}
            className="after:absolute after:inset-0 after:rounded-card focus-visible:outline-none"
          >
            {template.name}
            <LinkPending className="ml-2" />
          </Link>
        </Heading>
      </div>
      <p className="text-sm text-ink-muted">{template.description}</p>
      <div className="mt-auto">
        <SkillList skills={toolBadges(template.tools)} label={`Skills of ${template.name}`} />
      </div>
    </article>
  );
}

/** A responsive grid of template cards. */
export function TemplateGrid({
  templates,
  headingLevel,
}: {
  templates: TemplateCardData[];
  headingLevel: 3 | 4;
}) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {templates.map((t) => (
        <li key={t.slug}>
          <TemplateCard template={t} headingLevel={headingLevel} />
        </li>
      ))}
    </ul>
  );
}
