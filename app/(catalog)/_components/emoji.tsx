import { twemojiDataUrl } from "@/lib/og/emoji";

/**
 * A template's emoji drawn from the bundled Twemoji SVGs, so it looks the same
 * on every device as in the OG image and needs no emoji font or CDN. Falls back
 * to the plain character when Twemoji lacks it. Decorative: the template's
 * name always sits next to it.
 */
export function Emoji({ emoji, size, className }: { emoji: string; size: number; className?: string }) {
  const src = twemojiDataUrl(emoji);
  if (!src) {
    return (
      <span aria-hidden="true" className={className} style={{ fontSize: size * 0.85, lineHeight: 1 }}>
        {emoji}
      </span>
    );
  }
  // A data URL of a local SVG: next/image would add nothing here.
  // eslint-disable-next-line @next/next/no-img-element
  return <img src={src} alt="" aria-hidden="true" width={size} height={size} className={className} />;
}
