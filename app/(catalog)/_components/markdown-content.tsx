import { renderMarkdown } from "@/lib/markdown";

/**
 * Markdown rendered to sanitized HTML (see lib/markdown.ts: raw HTML is
 * escaped and the output allowlisted, so injecting it here is safe), styled
 * without a typography plugin.
 */
export function MarkdownContent({ source, className = "" }: { source: string; className?: string }) {
  return (
    <div
      className={`space-y-3 text-[0.95rem] leading-relaxed [&_a]:text-accent [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:border-line [&_blockquote]:pl-3 [&_code]:rounded [&_code]:bg-canvas [&_code]:px-1 [&_code]:font-mono [&_code]:text-sm [&_h2]:pt-2 [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:font-semibold [&_li]:mt-1 [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-x-auto [&_pre]:rounded-lg [&_pre]:bg-canvas [&_pre]:p-3 [&_ul]:list-disc [&_ul]:pl-5 ${className}`}
      dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }}
    />
  );
}
