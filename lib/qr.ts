/**
 * QR codes of template pages and invites, rendered locally with `qrcode` (no network).
 * The canonical page URL uses PUBLIC_URL, never the request's Host header, so
 * a QR can't be made to point somewhere else by a forged header.
 */
import QRCode from "qrcode";
import { config } from "./config";

const COLORS = { dark: "#1c1917", light: "#ffffff" };
// "M" survives a smudge or a logo-free print; higher levels make denser codes for no gain here.
const BASE = { errorCorrectionLevel: "M" as const, margin: 2, color: COLORS };

/**
 * PNG options for an image at most `width` pixels wide where every module is
 * the same whole number of pixels. Stretched to an exact width, a dense code
 * (a long invite) gets modules of uneven size, which scanners misread.
 * Sizing needs the code built once; its version and mask are handed on so the
 * render doesn't search for them again (the mask search is most of the work).
 */
function crisp(text: string, width: number) {
  const qr = QRCode.create(text, BASE);
  const modules = qr.modules.size + 2 * BASE.margin;
  return {
    ...BASE,
    version: qr.version,
    maskPattern: qr.maskPattern,
    scale: Math.max(1, Math.floor(width / modules)),
  };
}

/** The public URL of a template page: `${PUBLIC_URL}/a/${slug}`. */
export function templatePageUrl(slug: string, publicUrl: string = config().PUBLIC_URL): string {
  return `${publicUrl.replace(/\/+$/, "")}/a/${encodeURIComponent(slug)}`;
}

/** Invites are long (a dense code): shown at 224 CSS px, this stays sharp on a 2x display, so a phone scans it off a screen. */
export const INVITE_QR_PIXELS = 448;

/**
 * Where the owner's browser loads the QR code of an agent's invite (a PNG made
 * on request by app/api/agents/[id]/invites/[identityId]/qr): pages and the
 * claim result link to it instead of embedding it, so no page or action waits
 * for a PNG to be encoded.
 */
export function inviteQrPath(agentId: string, identityId: string): string {
  return `/api/agents/${encodeURIComponent(agentId)}/invites/${encodeURIComponent(identityId)}/qr`;
}

/** A PNG of the QR code of `text`, at most `width` pixels wide (whole pixels per module). */
export async function qrPng(text: string, width = 512): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...crisp(text, width), type: "png" });
}

/** An SVG document of the QR code of `text` (scalable; no fixed pixel size). */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...BASE, type: "svg" });
}

/** A `data:image/png;base64,…` URL of the QR code, at most `width` pixels wide, for embedding (e.g. in OG images). */
export async function qrDataUrl(text: string, width = 512): Promise<string> {
  return QRCode.toDataURL(text, { ...crisp(text, width), type: "image/png" });
}
