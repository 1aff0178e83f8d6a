/**
 * The 1200×630 Open Graph card: emoji, title, description and a QR of the page.
 *
 * Rendered with @vercel/og's ImageResponse *as vendored by Next.js*
 * (`next/og`, @vercel/og 1.0.1, which has a Node build). The registry's
 * standalone `@vercel/og` 1.0.0 is an old edge-only build: it imports
 * `.wasm?module` files and cannot be loaded by Node, so we do not depend on it.
 *
 * Nothing is fetched while rendering: fonts come from `ogFonts()`, the emoji
 * is a data URL of a local Twemoji SVG, emoji in the text are stripped, and
 * the QR is a data URL made by `qrcode`.
 */
/* eslint-disable @next/next/no-img-element -- satori draws <img>; next/image is for browsers */
import "server-only";
import { ImageResponse } from "next/og";
import { qrDataUrl } from "@/lib/qr";
import { stripEmoji, twemojiDataUrl } from "./emoji";
import { IMAGE_CACHE_CONTROL } from "./cache";
import { ogFonts } from "./fonts";

export const OG_SIZE = { width: 1200, height: 630 } as const;

// The palette of app/globals.css (the renderer can't read CSS variables).
const COLOR = {
  canvas: "#fafaf9",
  surface: "#ffffff",
  ink: "#1c1917",
  muted: "#57534e",
  line: "#e7e5e4",
  accent: "#4338ca",
  accentSoft: "#eef2ff",
};

export interface OgCard {
  emoji: string;
  title: string;
  description: string;
  /** What the QR encodes: the page's canonical URL. */
  url: string;
  /** A short line above the title, e.g. the category. */
  eyebrow?: string;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(" ");
  return `${cut.slice(0, lastSpace > max * 0.6 ? lastSpace : cut.length).trimEnd()}…`;
}

/** Renders the card as a PNG response (status 200; the caller adds nothing but headers). */
export async function renderOgImage(card: OgCard): Promise<ImageResponse> {
  const [fonts, qr] = await Promise.all([ogFonts(), qrDataUrl(card.url, 520)]);
  const emoji = twemojiDataUrl(card.emoji) ?? twemojiDataUrl("🤖");
  const title = truncate(stripEmoji(card.title) || "Convos Agents", 48);
  const description = truncate(stripEmoji(card.description), 150);
  const host = new URL(card.url).host;

  return new ImageResponse(
    <div
      style={{
        width: "100%",
        height: "100%",
        display: "flex",
        backgroundColor: COLOR.canvas,
        fontFamily: "Geist",
        color: COLOR.ink,
        borderTop: `16px solid ${COLOR.accent}`,
      }}
    >
      <div style={{ display: "flex", flexDirection: "column", flex: 1, padding: "64px 48px 56px 72px" }}>
        {emoji ? <img src={emoji} width={132} height={132} alt="" /> : null}
        {card.eyebrow ? (
          <div style={{ display: "flex", marginTop: 36, fontSize: 28, color: COLOR.accent, fontWeight: 700 }}>
            {stripEmoji(card.eyebrow)}
          </div>
        ) : null}
        <div
          style={{
            display: "flex",
            marginTop: card.eyebrow ? 8 : 36,
            fontSize: title.length > 24 ? 60 : 76,
            fontWeight: 700,
            lineHeight: 1.05,
            letterSpacing: -1.5,
          }}
        >
          {title}
        </div>
        <div style={{ display: "flex", marginTop: 24, fontSize: 32, lineHeight: 1.35, color: COLOR.muted }}>
          {description}
        </div>
        <div style={{ display: "flex", marginTop: "auto", fontSize: 26, color: COLOR.muted }}>
          Convos Agents · {host}
        </div>
      </div>
      <div
        style={{
          display: "flex",
          flexDirection: "column",
          alignItems: "center",
          justifyContent: "center",
          width: 400,
          backgroundColor: COLOR.accentSoft,
        }}
      >
        <div
          style={{
            display: "flex",
            padding: 16,
            backgroundColor: COLOR.surface,
            borderRadius: 24,
            border: `2px solid ${COLOR.line}`,
          }}
        >
          <img src={qr} width={280} height={280} alt="" />
        </div>
        <div style={{ display: "flex", marginTop: 24, fontSize: 26, fontWeight: 700, color: COLOR.accent }}>
          Scan to open
        </div>
      </div>
    </div>,
    {
      ...OG_SIZE,
      fonts,
      // Lower-case: it must replace the renderer's own "cache-control" (immutable, a year), not be appended to it.
      headers: { "cache-control": IMAGE_CACHE_CONTROL },
    },
  );
}
