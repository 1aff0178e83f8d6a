/**
 * QR codes of template pages, rendered locally with `qrcode` (no network).
 * The canonical page URL uses PUBLIC_URL, never the request's Host header, so
 * a QR can't be made to point somewhere else by a forged header.
 */
import QRCode from "qrcode";
import { config } from "@/lib/config";

const COLORS = { dark: "#1c1917", light: "#ffffff" };
// "M" survives a smudge or a logo-free print; higher levels make denser codes for no gain here.
const BASE = { errorCorrectionLevel: "M" as const, margin: 2, color: COLORS };

/** The public URL of a template page: `${PUBLIC_URL}/a/${slug}`. */
export function templatePageUrl(slug: string, publicUrl: string = config().PUBLIC_URL): string {
  return `${publicUrl.replace(/\/+$/, "")}/a/${encodeURIComponent(slug)}`;
}

/**
 * Where the owner's browser loads the QR code of an agent's invite (a PNG made
 * on request by app/api/agents/[id]/invites/[identityId]/qr): pages and the
 * claim result link to it instead of embedding it, so no page or action waits
 * for a PNG to be encoded.
 */
export function inviteQrPath(agentId: string, identityId: string): string {
  return `/api/agents/${encodeURIComponent(agentId)}/invites/${encodeURIComponent(identityId)}/qr`;
}

/** A PNG of the QR code of `text`, `width` pixels wide. */
export async function qrPng(text: string, width = 512): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...BASE, type: "png", width });
}

/** An SVG document of the QR code of `text` (scalable; no fixed pixel size). */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...BASE, type: "svg" });
}

/** A `data:image/png;base64,…` URL of the QR code, for embedding (e.g. in OG images). */
export async function qrDataUrl(text: string, width = 512): Promise<string> {
  return QRCode.toDataURL(text, { ...BASE, type: "image/png", width });
}
