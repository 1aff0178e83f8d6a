/** What /signin offers: the sign-in methods configured on this server (no secrets). */
import { config } from "@/lib/config";
import { devSignInAllowed } from "./dev-signin";
import { emailSignInAvailable } from "./mail";

/** `headers` are the request's: the development sign-in answers this machine only (devSignInAllowed). */
export function signInOptions(headers: Pick<Headers, "get">) {
  const c = config();
  const dev = devSignInAllowed(headers);
  return {
    email: emailSignInAvailable(),
    github: Boolean(c.AUTH_GITHUB_ID && c.AUTH_GITHUB_SECRET),
    google: Boolean(c.AUTH_GOOGLE_ID && c.AUTH_GOOGLE_SECRET),
    dev,
    /** Who signs in as an admin, so /admin can be tried in development; never named without the development sign-in. */
    devAdminEmails: dev ? c.ADMIN_EMAILS : [],
  };
}
