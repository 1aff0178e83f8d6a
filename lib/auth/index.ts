/**
 * Sign-in with Auth.js (next-auth v5): magic links by e-mail, GitHub and Google
 * when their credentials are set, and the development sign-in when enabled.
 *
 * Sessions are JWTs (the Credentials provider behind the development sign-in
 * cannot create database sessions); users, accounts and verification tokens
 * live in PostgreSQL through the Prisma adapter. The token carries only the
 * user id: roles are read from the database on every check (lib/auth/session.ts),
 * so a demoted admin loses access at once.
 */
import NextAuth from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { z } from "zod";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { devSignInEnabled } from "./dev-signin";
import { emailSignInAvailable, sendMagicLink } from "./mail";
import { syncRole } from "./roles";

const devEmail = z.string().trim().toLowerCase().email().max(254);

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
          if (!devSignInEnabled()) return null;
          const parsed = devEmail.safeParse(input?.email);
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
  trustHost: true,
  session: { strategy: "jwt" },
  pages: { signIn: "/signin", verifyRequest: "/signin?sent=1", error: "/signin" },
  callbacks: {
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
    async signIn({ user }) {
      if (user.id && user.email) await syncRole(user.id, user.email);
    },
  },
}));
