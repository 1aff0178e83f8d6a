/**
 * Runs before every request (Next.js "proxy", formerly middleware): gives the response its security
 * headers (lib/security-headers.ts) with a fresh script nonce, and hands the same CSP to the render
 * through the request headers, which is where Next.js reads the nonce for its own scripts.
 * Kept to a few header writes: it sits in front of every launch.
 *
 * Not in front of the pool API's claim route: Next.js reads a request's whole body before a proxy
 * runs (up to 10 MB), which would undo that route's refusal of big bodies from Content-Length alone.
 * That route sets the same headers itself (apiSecurityHeaders), as the providers' webhooks do
 * (app/api/webhooks/), which read and verify their raw body themselves. Nor in front of the browser chat's
 * files (lib/chat/files.ts): a member's file must keep its own CSP that allows nothing, not a page's.
 */
import { NextResponse, type NextRequest } from "next/server";
import { config as appConfig } from "@/lib/config";
import { newNonce, securityHeaders } from "@/lib/security-headers";

const https = new URL(appConfig().PUBLIC_URL).protocol === "https:";
const development = appConfig().NODE_ENV === "development";

export function proxy(request: NextRequest) {
  const headers = securityHeaders({ nonce: newNonce(), development, https });
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", headers["Content-Security-Policy"]);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ["/((?!api/pool/claim|api/webhooks/|api/agents/[^/]+/chat/attachments/).*)"],
};
