/**
 * The security headers of every response (set by proxy.ts). The Content-Security-Policy allows
 * scripts only from this origin carrying the request's nonce (Next.js puts it on its own scripts
 * when it finds it in the request's CSP header), and 'strict-dynamic' lets those load their chunks:
 * no inline script of anyone else's runs. Inline style attributes stay allowed (React's `style`
 * props use them; they cannot run code). No page may be framed. HSTS only when PUBLIC_URL is https,
 * since it would make a plain-http development site unreachable.
 */
export interface SecurityHeaderOptions {
  nonce: string;
  /** Development: React's dev tools need eval to rebuild server stacks. */
  development: boolean;
  /** PUBLIC_URL is https. */
  https: boolean;
}

export function contentSecurityPolicy({ nonce, development, https }: SecurityHeaderOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    ...(options.https ? { "Strict-Transport-Security": "max-age=31536000" } : {}),
  };
}

/**
 * The same headers for a JSON answer that proxy.ts does not see (a route left out of its matcher):
 * no page, so a CSP that allows nothing at all.
 */
export function apiSecurityHeaders(https: boolean): Record<string, string> {
  return {
    ...securityHeaders({ nonce: "", development: false, https }),
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  };
}

/** A fresh, unguessable nonce per response (128 random bits, base64). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
