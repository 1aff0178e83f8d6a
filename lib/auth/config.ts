/**
 * What Auth.js does for us (see lib/auth/index.ts): the providers configured on this server, the
 * sign-in checks (verified addresses, mail limits, the development sign-in on loopback only), the
 * redirects through safeReturnPath, and roles synced at every sign-in.
 */
import type { NextAuthConfig } from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { z } from "zod";
import { clientAddress } from "@/lib/client-address";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { devSignInAllowed, devSignInEnabled } from "./dev-signin";
import { emailSignInAvailable, sendMagicLink } from "./mail";
import { safeReturnPath } from "./return-path";
import { markVerifiedFromProfile, syncRole } from "./roles";
import { signInMailRefusal } from "./signin-limits";
import { githubUserinfo, verifiedEmailGate } from "./verified-email";

/** The request being handled. */
export interface AuthRequest {
  headers(): Promise<Pick<Headers, "get">>;
}

const emailAddress = z.string().trim().toLowerCase().email().max(254);

function providers(request: AuthRequest): Provider[] {
  const c = config();
  const list: Provider[] = [];
  if (emailSignInAvailable()) {
    list.push(
      Nodemailer({
        // The server is unused: sendMagicLink delivers (or logs) the link itself.
        server: c.SMTP_URL ?? "smtp://127.0.0.1:25",
        from: c.EMAIL_FROM,
        sendVerificationRequest: sendMagicLink,
      }),
    );
  }
  if (c.AUTH_GITHUB_ID && c.AUTH_GITHUB_SECRET) {
    list.push(
      GitHub({
        clientId: c.AUTH_GITHUB_ID,
        clientSecret: c.AUTH_GITHUB_SECRET,
        // A verified address only (lib/auth/verified-email.ts); Auth.js's default takes the primary one.
        userinfo: { request: githubUserinfo },
      }),
    );
  }
  if (c.AUTH_GOOGLE_ID && c.AUTH_GOOGLE_SECRET) {
    list.push(Google({ clientId: c.AUTH_GOOGLE_ID, clientSecret: c.AUTH_GOOGLE_SECRET }));
  }
  if (devSignInEnabled()) {
    list.push(
      Credentials({
        id: "dev",
        name: "Development sign-in",
        credentials: { email: { label: "E-mail", type: "email" } },
        async authorize(input) {
          if (!devSignInAllowed(await request.headers())) return null;
          const parsed = emailAddress.safeParse(input?.email);
          if (!parsed.success) return null;
          const email = parsed.data;
          return db.user.upsert({
            where: { email },
            update: {},
            create: { email, name: email.split("@")[0] },
          });
        },
      }),
    );
  }
  return list;
}

/** Auth.js's configuration for one request; see lib/auth/index.ts for why the origin is PUBLIC_URL. */
export function authConfig(request: AuthRequest): NextAuthConfig {
  const secureCookies = new URL(config().PUBLIC_URL).protocol === "https:";
  return {
    adapter: PrismaAdapter(db),
    providers: providers(request),
    secret: config().AUTH_SECRET,
    // Safe because the origin is AUTH_URL (PUBLIC_URL), not the request's host: see lib/auth/index.ts.
    trustHost: true,
    useSecureCookies: secureCookies,
    session: { strategy: "jwt" },
    pages: { signIn: "/signin", verifyRequest: "/signin?sent=1", error: "/signin" },
    callbacks: {
      async signIn({ user, account, profile, email }) {
        // OAuth with a verified address only; no e-mail sign-in into a row OAuth made without one.
        const gate = await verifiedEmailGate({ user, account, profile });
        if (!gate.allowed)
          return `/signin?error=${gate.reason === "oauth_row" ? "OAuthRow" : "UnverifiedEmail"}`;
        if (!email?.verificationRequest) return true;
        // Before a magic link is made: nothing for an invalid address, nothing over the limits.
        const address = emailAddress.safeParse(user.email);
        if (!address.success) return false;
        const refusal = await signInMailRefusal(address.data, clientAddress(await request.headers()));
        if (!refusal) return true;
        return `/signin?error=TooManyMails&wait=${Math.ceil(refusal.retryAfterMs / 60_000)}`;
      },
      redirect({ url, baseUrl }) {
        const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
        return `${baseUrl}${safeReturnPath(path)}`;
      },
      jwt({ token, user }) {
        if (user?.id) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    events: {
      async signIn({ user, account, profile }) {
        if (!user.id) return;
        if (account?.type === "oauth" || account?.type === "oidc") {
          await markVerifiedFromProfile(user.id, user.email ?? "", profile);
        }
        await syncRole(user.id);
      },
    },
  };
}
