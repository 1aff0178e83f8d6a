/**
 * Markdown → HTML that is safe to put in a page with dangerouslySetInnerHTML.
 *
 * Two layers, because template text is user-controlled (admins, and later
 * anyone's own agent instructions):
 *  1. Raw HTML written in the markdown is *escaped*, not rendered, so
 *     `<script>` or `<img onerror>` shows up as the literal text the author
 *     typed instead of silently vanishing or running.
 *  2. The HTML marked produced goes through sanitize-html with a small
 *     allowlist (no images, no iframes, no styles, no event handlers, only
 *     http/https/mailto links), in case a marked quirk lets something through.
 * Links get rel="noopener nofollow" (and open in place: no target).
 */
import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// Our own instance, so nothing else in the process that configures the global `marked` affects us.
const markdown = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Block and inline raw HTML: show it as text.
    html({ text, block }) {
      const escaped = escapeHtml(text);
      return block ? `<p>${escaped}</p>\n` : escaped;
    },
    // Pages own their single <h1>; content headings start at <h2>.
    heading({ tokens, depth }) {
      const level = Math.min(Math.max(depth, 2), 6);
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
  },
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: { a: ["href", "title", "rel"], ol: ["start"], th: ["align"], td: ["align"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: sanitizeHtml.simpleTransform("a", { rel: "noopener nofollow" }),
  },
};

/** Renders markdown to sanitized HTML: no raw HTML, script or event handler from the input survives. */
export function renderMarkdown(source: string): string {
  const html = markdown.parse(source) as string;
  return sanitizeHtml(html, SANITIZE);
}
