/**
 * Sign-in trusts an e-mail address only when someone proved it: a magic link that was opened, or an
 * OAuth provider that says it verified the address. Otherwise a stranger could register at GitHub or
 * Google with someone else's address (which they never confirmed) and sign in here first; the real
 * owner's later magic link would open that stranger's account, which the stranger can still enter
 * through the provider (account pre-hijacking). So:
 *
 * - an OAuth sign-in is refused unless the provider's profile says the address is verified: Google's
 *   `email_verified` claim; for GitHub, `githubUserinfo` reads the account's addresses and keeps only
 *   a verified one (Auth.js's own GitHub provider takes the primary address, verified or not);
 * - an e-mail sign-in is refused into a row that an OAuth sign-in created without a verified address
 *   (rows from before this check), instead of merging the two.
 *
 * Auth.js links an OAuth account to an existing row of the same address only with
 * allowDangerousEmailAccountLinking, which we never set, so the other direction is closed already.
 */
import { db } from "@/lib/db";

/** The part of Auth.js's signIn callback arguments these checks read. */
export interface SignInAttempt {
  user: { id?: string; email?: string | null };
  account?: { type: string; provider: string } | null;
  profile?: Record<string, unknown>;
}

export type SignInGate = { allowed: true } | { allowed: false; reason: "unverified_oauth" | "oauth_row" };

const isOAuth = (type: string | undefined) => type === "oauth" || type === "oidc";

/**
 * Whether the provider's profile carries an address it verified (`email_verified` true). A new row takes
 * the profile's address; a returning account keeps its row, whatever address the provider has now.
 */
export function profileVerified(profile: Record<string, unknown> | undefined): boolean {
  return profile?.email_verified === true && typeof profile.email === "string" && profile.email.trim() !== "";
}

/** Whether the row for `email` was made by an OAuth sign-in whose address nobody verified. */
export async function unverifiedOAuthRow(email: string): Promise<boolean> {
  const n = await db.user.count({
    where: {
      email: email.trim().toLowerCase(),
      emailVerified: null,
      accounts: { some: { type: { in: ["oauth", "oidc"] } } },
    },
  });
  return n > 0;
}

/** Decides an OAuth or e-mail sign-in by the rules at the top of this module; other kinds pass. */
export async function verifiedEmailGate({ user, account, profile }: SignInAttempt): Promise<SignInGate> {
  if (isOAuth(account?.type)) {
    return profileVerified(profile) ? { allowed: true } : { allowed: false, reason: "unverified_oauth" };
  }
  if (account?.type === "email" && user.email && (await unverifiedOAuthRow(user.email))) {
    return { allowed: false, reason: "oauth_row" };
  }
  return { allowed: true };
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub's userinfo request (Auth.js `userinfo.request`): the profile from `/user` with `email` set to
 * the primary verified address (else another verified one, else none) from `/user/emails`, and
 * `email_verified` saying whether one was found. The public address of `/user` is not trusted alone.
 */
export async function githubUserinfo({
  tokens,
  provider,
}: {
  tokens: { access_token?: string };
  provider: { userinfo?: { url?: URL | string } };
}): Promise<Record<string, unknown>> {
  const userUrl = new URL(String(provider.userinfo?.url));
  const headers = { Authorization: `Bearer ${tokens.access_token}`, "User-Agent": "authjs" };
  const get = async (url: URL) => {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GitHub answered ${response.status} for ${url.pathname}`);
    return (await response.json()) as unknown;
  };
  const profile = (await get(userUrl)) as Record<string, unknown>;
  const emails = await get(new URL(`${userUrl.pathname.replace(/\/$/, "")}/emails`, userUrl));
  const verified = (Array.isArray(emails) ? (emails as GitHubEmail[]) : []).filter(
    (e) => e && typeof e.email === "string" && e.verified === true,
  );
  const chosen = verified.find((e) => e.primary) ?? verified[0];
  return { ...profile, email: chosen?.email ?? null, email_verified: chosen !== undefined };
}
