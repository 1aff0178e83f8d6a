/**
 * OAuth sign-ins need a verified address, and an e-mail sign-in never opens a row that an OAuth
 * sign-in made without one: through Auth.js itself (@auth/core's Auth with our configuration) on a
 * real PostgreSQL, with a loopback server standing in for GitHub's API.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Auth, type AuthConfig } from "@auth/core";
import GitHub from "@auth/core/providers/github";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/db";

const database = withTestDatabase();
const ORIGIN = "http://localhost:3000";

vi.stubEnv("NODE_ENV", "development");
vi.stubEnv("AUTH_SECRET", "verified-email-test-secret-0123456789");
vi.stubEnv("AUTH_GITHUB_ID", "test-github-id");
vi.stubEnv("AUTH_GITHUB_SECRET", "test-github-secret");
vi.stubEnv("SMTP_URL", "");
// Without SMTP the magic link goes to the log (lib/auth/mail.ts); the tokens table says whether one was made.
vi.spyOn(console, "info").mockImplementation(() => undefined);

/** GitHub's API as the stand-in serves it: the profile and the account's addresses. */
let emails: { email: string; primary: boolean; verified: boolean }[] = [];
let github: Server;
let githubApi = "";

beforeAll(async () => {
  github = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/api/v3/user") res.end(JSON.stringify({ id: 42, login: "mallory", email: null }));
    else if (req.url === "/api/v3/user/emails") res.end(JSON.stringify(emails));
    else res.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
  githubApi = `http://127.0.0.1:${(github.address() as AddressInfo).port}/api/v3`;
});
afterAll(async () => {
  await new Promise((resolve) => github.close(resolve));
  vi.unstubAllEnvs();
});

async function ourConfig(): Promise<AuthConfig> {
  const { authConfig } = await import("./config");
  const config = authConfig({ headers: async () => new Headers() });
  return { ...config, basePath: "/api/auth" } as AuthConfig;
}

/** What our GitHub provider's userinfo request makes of the stand-in's answers. */
async function githubProfile(): Promise<Record<string, unknown>> {
  const provider = (await ourConfig()).providers.find(
    (p) => typeof p === "object" && "id" in p && p.id === "github",
  ) as ReturnType<typeof GitHub>;
  const defaults = GitHub({}).userinfo as { request: unknown };
  const ours = (provider.options?.userinfo as { request?: unknown } | undefined)?.request ?? defaults.request;
  const request = ours as (context: unknown) => Promise<Record<string, unknown>>;
  return request({
    tokens: { access_token: "t" },
    provider: { userinfo: { url: new URL(`${githubApi}/user`) } },
  });
}

describe("OAuth addresses", () => {
  it("GitHub: the primary address counts only when verified; another verified one is taken instead", async () => {
    emails = [
      { email: "victim@example.com", primary: true, verified: false },
      { email: "mallory@example.com", primary: false, verified: true },
    ];
    expect(await githubProfile()).toMatchObject({ email: "mallory@example.com", email_verified: true });
    emails = [{ email: "victim@example.com", primary: true, verified: false }];
    expect(await githubProfile()).toMatchObject({ email: null, email_verified: false });
  });

  it("an OAuth profile without a verified address is refused before a row is made", async () => {
    const { callbacks } = await ourConfig();
    const attempt = (profile: Record<string, unknown>) =>
      callbacks!.signIn!({
        user: { id: "42", email: "victim@example.com" },
        account: { type: "oidc", provider: "google", providerAccountId: "42" },
        profile,
      });
    expect(await attempt({ email: "victim@example.com", email_verified: false })).toBe(
      "/signin?error=UnverifiedEmail",
    );
    expect(await attempt({ email: "victim@example.com" })).toBe("/signin?error=UnverifiedEmail");
    expect(await attempt({ email: "victim@example.com", email_verified: true })).toBe(true);
  });
});

/** Asks Auth.js for a magic link to `email` as a browser would (CSRF token and cookie first); the redirect. */
async function askForMagicLink(config: AuthConfig, email: string): Promise<string> {
  const csrf = await Auth(new Request(`${ORIGIN}/api/auth/csrf`), config);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await Auth(
    new Request(`${ORIGIN}/api/auth/signin/nodemailer`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ email, csrfToken, callbackUrl: "/agents" }),
    }),
    config,
  );
  return response.headers.get("location") ?? `status ${response.status}`;
}

describe("e-mail sign-in and rows made by OAuth", () => {
  it("refuses a magic link into a row an OAuth sign-in made without a verified address", async () => {
    const db = database().db;
    // What Auth.js's adapter did for an OAuth sign-in before the check: the row, then the account.
    const adapter = PrismaAdapter(db);
    const row = await adapter.createUser!({ id: "", email: "victim@example.com", emailVerified: null });
    await adapter.linkAccount!({
      userId: row.id,
      type: "oauth",
      provider: "github",
      providerAccountId: "42",
    });
    const config = await ourConfig();
    expect(await askForMagicLink(config, "victim@example.com")).toBe(`${ORIGIN}/signin?error=OAuthRow`);
    expect(await db.verificationToken.count({ where: { identifier: "victim@example.com" } })).toBe(0);

    // A row e-mail made, or one OAuth made with a verified address, gets its link.
    await db.user.create({ data: { email: "plain@example.com" } });
    const verified = await adapter.createUser!({
      id: "",
      email: "verified@example.com",
      emailVerified: new Date(),
    });
    await adapter.linkAccount!({
      userId: verified.id,
      type: "oauth",
      provider: "github",
      providerAccountId: "43",
    });
    for (const email of ["plain@example.com", "verified@example.com", "new@example.com"]) {
      expect(await askForMagicLink(config, email)).not.toContain("error");
      expect(await db.verificationToken.count({ where: { identifier: email } })).toBe(1);
    }
  });
});
