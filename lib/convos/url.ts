/**
 * Invite URLs (docs/convos-protocol.md §4.2–4.3): building one per XMTP environment, and pulling
 * the invite code out of anything a person might paste.
 *
 * Reading follows iOS `URL.convosInviteCode`: custom `convos`/`convos-*` schemes
 * (join/<code>, invite/<code>), `https` only (`http` is rejected) with `/v2?i=`,
 * `/i/<code>` or `?code=`, then a bare code of ≥50 base64url chars that decodes.
 * Hosts are not restricted (§4.3): the signature and the creator's checks
 * authenticate an invite, not the URL. Query values are percent-decoded by hand,
 * not form-decoded, so a stray `+` survives as iOS keeps it.
 */
import { ConvosError } from "./errors";
import type { SignedInvite } from "./invite";
import { decodeSlug } from "./slug";

export type XmtpEnv = "local" | "dev" | "production";

/** Which network a link was made for, when its host or scheme says so. */
export type InviteNetwork = "production" | "non-production";

const HOST_NETWORK: Record<string, InviteNetwork> = {
  "popup.convos.org": "production",
  "app.convos.org": "production",
  "dev.convos.org": "non-production",
  "app-dev.convos.org": "non-production",
  "local.convos.org": "non-production",
  "app-local.convos.org": "non-production",
};
const BARE_CODE_RE = /^[A-Za-z0-9_*-]+$/;
const MIN_BARE_CODE = 50;
const LINK_RE = /\b(?:https?|convos(?:-[a-z0-9]+)?):\/\/[^\s<>"']+/gi;

/** Invite URL as the product writes it: popup.convos.org for production, dev.convos.org for every other env. */
export function buildInviteUrl(slug: string, env: XmtpEnv): string {
  const host = env === "production" ? "popup.convos.org" : "dev.convos.org";
  return `https://${host}/v2?i=${encodeURIComponent(slug)}`;
}

function decodeComponent(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function queryParam(url: URL, name: string): string | null {
  for (const pair of url.search.replace(/^\?/, "").split("&")) {
    const eq = pair.indexOf("=");
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    if (key !== name || eq < 0) continue;
    const value = decodeComponent(pair.slice(eq + 1))?.trim();
    if (value) return value;
  }
  return null;
}

interface Extracted {
  code: string;
  /** "bare" when the text itself was the code, "url" when a link carried it. */
  source: "url" | "bare";
  network?: InviteNetwork;
}

/** Applies the URL rules of §4.3 to one URL; null when it is not an invite link. */
function codeFromUrl(text: string): Extracted | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const scheme = url.protocol.replace(/:$/, "").toLowerCase();
  const parts = url.pathname
    .split("/")
    .filter(Boolean)
    .map((p) => decodeComponent(p) ?? p);
  const host = url.hostname.toLowerCase();
  let code: string | null = null;
  let network: InviteNetwork | undefined;
  if (scheme === "convos" || scheme.startsWith("convos-")) {
    network = scheme === "convos" ? "production" : "non-production";
    if (host === "join") code = parts[0] ?? null;
    else if (host === "invite" || parts[0] === "invite") code = parts.at(-1) ?? null;
    if (code === "invite" && host !== "invite") code = null; // `convos://x/invite` has no code
  } else if (scheme === "https") {
    network = HOST_NETWORK[host];
    const i = url.pathname.includes("/v2") ? queryParam(url, "i") : null;
    const at = parts.indexOf("i");
    code = i ?? (at >= 0 && parts[at + 1] ? parts[at + 1] : null) ?? queryParam(url, "code");
  }
  code = code?.trim() || null;
  return code ? { code, source: "url", network } : null;
}

/** Extracts the invite code (not yet decoded) from a URL or bare text; null when there is none. */
export function extractInviteCode(input: string): Extracted | null {
  const text = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return codeFromUrl(text);
  const bare = text.replaceAll("*", "");
  if (BARE_CODE_RE.test(text) && bare.length >= MIN_BARE_CODE) return { code: bare, source: "bare" };
  // Pasted prose ("join us: https://…"): like iOS' data detector, try each link in it.
  for (const match of text.matchAll(LINK_RE)) {
    const found = codeFromUrl(match[0]);
    if (found) return found;
  }
  return null;
}

export type ParsedInvite =
  | { ok: true; code: string; invite: SignedInvite; network?: InviteNetwork }
  | { ok: false; error: ConvosError };

/**
 * Parses any text into a decoded invite, never throwing: `not_an_invite` for text
 * that holds no invite (ignore it, §4.5), `invalid_invite`/`too_large` for a code
 * that does not decode, `wrong_environment` when the link is for the other network.
 * The signature and expiries are NOT checked here (see verify.ts).
 */
export function parseInvite(input: string, opts: { env?: XmtpEnv } = {}): ParsedInvite {
  try {
    if (typeof input !== "string" || input.length > 256 * 1024) {
      return { ok: false, error: new ConvosError("not_an_invite", "input is not invite text") };
    }
    const found = extractInviteCode(input);
    if (!found)
      return { ok: false, error: new ConvosError("not_an_invite", "no invite link or code in the text") };
    let invite: SignedInvite;
    try {
      invite = decodeSlug(found.code);
    } catch (e) {
      // A bare run of characters that does not decode is just text (§4.3 step 4, §10.3).
      if (found.source === "bare") {
        return {
          ok: false,
          error: new ConvosError("not_an_invite", "text is not an invite code", { cause: e }),
        };
      }
      throw e;
    }
    if (
      opts.env &&
      found.network &&
      found.network !== (opts.env === "production" ? "production" : "non-production")
    ) {
      return {
        ok: false,
        error: new ConvosError(
          "wrong_environment",
          `this invite is for ${found.network === "production" ? "production" : "a non-production"} XMTP network, we are on ${opts.env}`,
        ),
      };
    }
    return { ok: true, code: found.code, invite, network: found.network };
  } catch (e) {
    const error =
      e instanceof ConvosError
        ? e
        : new ConvosError("invalid_invite", "invite does not decode", { cause: e });
    return { ok: false, error };
  }
}
