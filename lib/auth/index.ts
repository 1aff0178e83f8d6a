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
import { headers } from "next/headers";
import { config } from "@/lib/config";
import { authConfig } from "./config";

process.env.AUTH_URL = config().PUBLIC_URL;

export const { handlers, auth, signIn, signOut } = NextAuth(() => authConfig({ headers }));
