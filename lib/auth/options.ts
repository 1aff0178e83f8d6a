/** What /signin offers: the sign-in methods configured on this server (no secrets). */
import { config } from "@/lib/config";
import { devSignInAllowedFrom, devSignInEnabled } from "./dev-signin";
import { emailSignInAvailable } from "./mail";

/** `client` is the asking client's address (lib/client-address.ts): the development sign-in answers loopback only. */
export function signInOptions(client: string) {
  const c = config();
  const dev = devSignInEnabled() && devSignInAllowedFrom(client);
  return {
    email: emailSignInAvailable(),
    github: Boolean(c.AUTH_GITHUB_ID && c.AUTH_GITHUB_SECRET),
    google: Boolean(c.AUTH_GOOGLE_ID && c.AUTH_GOOGLE_SECRET),
    dev,
    /** Who signs in as an admin, so /admin can be tried in development; never named without the development sign-in. */
    devAdminEmails: dev ? c.ADMIN_EMAILS : [],
  };
}
