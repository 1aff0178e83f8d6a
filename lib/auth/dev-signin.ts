/**
 * The development sign-in: e-mail only, no proof of ownership. It exists so a
 * developer can try the product without SMTP or OAuth, and is therefore on
 * only with ENABLE_DEV_SIGNIN and never when NODE_ENV is production, whatever
 * the flag says, and only for clients on this machine.
 */
import { isLoopback, socketAddress } from "@/lib/client-address";
import { config } from "@/lib/config";

export function devSignInEnabled(): boolean {
  const { ENABLE_DEV_SIGNIN, NODE_ENV } = config();
  if (ENABLE_DEV_SIGNIN && NODE_ENV === "production") {
    warnOnce("[auth] ENABLE_DEV_SIGNIN is ignored: the development sign-in never runs in production");
    return false;
  }
  return ENABLE_DEV_SIGNIN;
}

let warned = false;
function warnOnce(message: string) {
  if (!warned) console.warn(message);
  warned = true;
}

/**
 * Whether the development sign-in answers this request: enabled, and asked from this machine, even
 * when HOST opens the server to the network. "This machine" is the socket's address (socketAddress),
 * never X-Forwarded-For, which a client writes itself under a bare `next dev` or `next start`. Behind
 * a proxy (TRUST_PROXY) every socket is the proxy's, so there it answers nobody.
 */
export function devSignInAllowed(headers: Pick<Headers, "get">): boolean {
  return devSignInEnabled() && !config().TRUST_PROXY && isLoopback(socketAddress(headers));
}
