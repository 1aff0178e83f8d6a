/**
 * Sign-in with Auth.js (next-auth v5): magic links by e-mail, GitHub and Google
 * when their credentials are set, and the development sign-in when enabled.
 *
 * Sessions are JWTs (the Credentials provider behind the development sign-in
 * cannot create database sessions); users, accounts and verification tokens
 * live in PostgreSQL through the Prisma adapter. The token carries only the
 * user id: roles are read from the database on every check (lib/auth/session.ts),
 * so a demoted admin loses access at once.
 *
 * Every URL Auth.js makes (magic links, callback and redirect URLs) starts with PUBLIC_URL, never
 * with the request's Host or X-Forwarded-Host: a sign-in posted with a forged host would otherwise
 * be mailed a link to that host, handing the token to whoever runs it. Auth.js takes its origin
 * from AUTH_URL in process.env (it reads it itself, per request), so it is pinned to PUBLIC_URL here.
 */
import NextAuth from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { headers } from "next/headers";
import { z } from "zod";
import { clientAddress } from "@/lib/client-address";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { devSignInAllowedFrom, devSignInEnabled } from "./dev-signin";
import { emailSignInAvailable, sendMagicLink } from "./mail";
import { safeReturnPath } from "./return-path";
import { markVerifiedFromProfile, syncRole } from "./roles";
import { signInMailRefusal } from "./signin-limits";

process.env.AUTH_URL = config().PUBLIC_URL;

const secureCookies = new URL(config().PUBLIC_URL).protocol === "https:";

async function requestClientAddress(): Promise<string> {
  return clientAddress(await headers());
}

const emailAddress = z.string().trim().toLowerCase().email().max(254);

function providers(): Provider[] {
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
    list.push(GitHub({ clientId: c.AUTH_GITHUB_ID, clientSecret: c.AUTH_GITHUB_SECRET }));
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
          if (!devSignInEnabled() || !devSignInAllowedFrom(await requestClientAddress())) return null;
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

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  adapter: PrismaAdapter(db),
  providers: providers(),
  secret: config().AUTH_SECRET,
  // Safe because the origin is AUTH_URL (PUBLIC_URL), not the request's host: see the top of this module.
  trustHost: true,
  useSecureCookies: secureCookies,
  session: { strategy: "jwt" },
  pages: { signIn: "/signin", verifyRequest: "/signin?sent=1", error: "/signin" },
  callbacks: {
    async signIn({ user, email }) {
      if (!email?.verificationRequest) return true;
      // Before a magic link is made: nothing for an invalid address, nothing over the limits.
      const address = emailAddress.safeParse(user.email);
      if (!address.success) return false;
      const refusal = await signInMailRefusal(address.data, await requestClientAddress());
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
}));
