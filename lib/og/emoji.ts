/**
 * Emoji for OG images, from the locally installed Twemoji SVGs.
 *
 * The image renderer would otherwise fetch every emoji from a CDN at request
 * time, which fails offline and draws empty boxes (or throws). So the
 * template's emoji is drawn as an <img> whose src is a data URL of the
 * Twemoji SVG, and emoji inside running text are removed before rendering
 * (see `stripEmoji`), so the renderer never asks for one.
 *
 * Twemoji names files by code points in hex joined with "-", keeping U+FE0F
 * only in some sequences (e.g. "1f3f3-fe0f-200d-1f308" but "2696" for ⚖️), so
 * we try the full sequence first and then the one without FE0F.
 */
import fs from "node:fs";
import path from "node:path";

const VARIATION_SELECTOR_16 = "fe0f";

/** The code points of a string in lower-case hex: "⚖️" → ["2696", "fe0f"]. */
export function codePoints(text: string): string[] {
  return [...text].map((ch) => ch.codePointAt(0)!.toString(16));
}

/** Twemoji file names to try for an emoji, best first. */
export function twemojiFileNames(emoji: string): string[] {
  const points = codePoints(emoji.trim());
  if (points.length === 0) return [];
  const full = points.join("-");
  const withoutVs16 = points.filter((p) => p !== VARIATION_SELECTOR_16).join("-");
  return [...new Set([full, withoutVs16])].filter(Boolean).map((name) => `${name}.svg`);
}

const cache = new Map<string, string | null>();

/** A data URL of the Twemoji SVG of an emoji, or null when Twemoji has no such emoji. */
export function twemojiDataUrl(emoji: string): string | null {
  const cached = cache.get(emoji);
  if (cached !== undefined) return cached;
  let result: string | null = null;
  for (const name of twemojiFileNames(emoji)) {
    try {
      // Read at request time from the project's node_modules (not bundled). The
      // literal folder lets the build trace exactly these files into its output.
      const svg = fs.readFileSync(path.join(process.cwd(), "node_modules/@twemoji/svg", name));
      result = `data:image/svg+xml;base64,${svg.toString("base64")}`;
      break;
    } catch {
      // Try the next candidate name.
    }
  }
  cache.set(emoji, result);
  return result;
}

// Pictographs plus the invisible parts of emoji sequences: ZWJ, VS16, keycap, skin tones, tags, flags.
const EMOJI_PARTS =
  /[\p{Extended_Pictographic}\p{Regional_Indicator}\u{200D}\u{FE0F}\u{20E3}\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/gu;

/** Removes emoji from running text (and the doubled spaces they leave), so the renderer never fetches one. */
export function stripEmoji(text: string): string {
  return text
    .replace(EMOJI_PARTS, "")
    .replace(/\s{2,}/g, " ")
    .trim();
}
