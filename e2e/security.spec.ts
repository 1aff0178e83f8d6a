/**
 * The server as an attacker sees it, in Chromium against the production build: forged hosts, open
 * redirects, mail floods, an admin address nobody proved, injected scripts, oversized bodies and
 * limits dodged with a forged X-Forwarded-For, and a production start on development defaults.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { APIRequestContext } from "@playwright/test";
import { expect, expectConsoleError, expectFailedLoad, test } from "./fixtures";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { embeddedPasswordFile } from "@/scripts/embedded-password.ts";
import { E2E } from "./env";
import { query } from "./database";
import { closeMailbox, mailbox, signInByEmail } from "./mailbox";
import { setTimeout as sleep } from "node:timers/promises";

test.afterAll(closeMailbox);

const KEY = E2E.serverEnv.POOL_API_KEY!;
/** Unique per run, so mails and limits of an earlier run against the same server don't count. */
const run = Date.now().toString(36);

/** Asks Auth.js's own endpoint (not our form) for a sign-in mail; returns where it redirects. */
async function askForMail(
  request: APIRequestContext,
  email: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  const response = await request.post("/api/auth/signin/nodemailer", {
    form: { csrfToken, email, callbackUrl: "/" },
    headers,
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
  return response.headers()["location"] ?? "";
}

function linkIn(body: string | undefined): string {
  const link = /https?:\/\/\S+\/api\/auth\/callback\/nodemailer\S+/.exec(body ?? "")?.[0];
  expect(link, "the mail carries a sign-in link").toBeTruthy();
  return link!;
}

test.describe("1. sign-in links come from PUBLIC_URL only", () => {
  test("a sign-in posted with a forged X-Forwarded-Host and Origin is mailed a link on PUBLIC_URL", async ({
    request,
  }) => {
    const victim = `victim-${run}@e2e.test`;
    const mail = mailbox().captureOne(victim, { wait: 20_000 });
    await askForMail(request, victim, {
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      origin: "https://evil.example",
    });
    const link = linkIn((await mail).email.body);
    expect(new URL(link).origin).toBe(E2E.baseUrl);
    expect(link).not.toContain("evil.example");
  });

  test("the sign-in form, in a browser that adds X-Forwarded-Host, mails a link on PUBLIC_URL", async ({
    browser,
  }) => {
    const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-Host": "evil.example" } });
    const page = await context.newPage();
    const victim = `form-victim-${run}@e2e.test`;
    const mail = mailbox().captureOne(victim, { wait: 20_000 });
    await page.goto("/signin");
    const form = page.getByTestId("email-signin");
    await form.getByLabel("E-mail").fill(victim);
    await form.getByRole("button", { name: "Send me a sign-in link" }).click();
    await expect(page.getByText("Check your e-mail")).toBeVisible();
    expect(new URL(linkIn((await mail).email.body)).origin).toBe(E2E.baseUrl);
    await context.close();
  });
});

test.describe("2. no open redirect", () => {
  for (const hostile of ["//evil.example", "/\\evil.example", "/%2F%2Fevil.example", "JaVaScRiPt:alert(1)"]) {
    test(`the sign-in page keeps / as the return path for ${hostile}`, async ({ page }) => {
      await page.goto(`/signin?callbackUrl=${encodeURIComponent(hostile)}`);
      await expect(page.getByTestId("email-signin").locator('input[name="callbackUrl"]')).toHaveValue("/");
    });
  }

  test("a magic link whose callbackUrl was changed to another site lands on our own site", async ({
    page,
  }) => {
    const email = `redirect-${run}@e2e.test`;
    const mail = mailbox().captureOne(email, { wait: 20_000 });
    await page.goto("/signin");
    const form = page.getByTestId("email-signin");
    await form.getByLabel("E-mail").fill(email);
    await form.getByRole("button", { name: "Send me a sign-in link" }).click();
    await expect(page.getByText("Check your e-mail")).toBeVisible();
    const link = new URL(linkIn((await mail).email.body));
    link.searchParams.set("callbackUrl", "https://evil.example/steal");
    await page.goto(link.toString());
    await expect(page.getByTestId("signed-in-as")).toHaveText(email);
    expect(new URL(page.url()).origin).toBe(E2E.baseUrl);
  });
});

test.describe("3. sign-in mail limits", () => {
  test.afterAll(async () => {
    // The per-client limit counts every spec's sign-ins from this machine: leave it as it was.
    await query(`DELETE FROM "RateLimitHit" WHERE bucket LIKE 'signin-mail:%'`);
  });

  test("an invalid address is sent nothing", async ({ request }) => {
    let received = 0;
    const count = () => received++;
    mailbox().bind("not-an-address", count);
    const location = await askForMail(request, "not-an-address");
    expect(location).toContain("error=");
    expect(location).not.toContain("verify-request");
    await sleep(1000);
    expect(received).toBe(0);
    mailbox().unbind("not-an-address", count);
  });

  test("five mails per address per hour, whatever X-Forwarded-For says; the form then says why", async ({
    request,
    page,
  }) => {
    const target = `flooded-${run}@e2e.test`;
    let received = 0;
    const count = () => received++;
    mailbox().bind(target, count);
    for (let i = 0; i < 5; i++) {
      expect(await askForMail(request, target, { "x-forwarded-for": `198.51.100.${i}` })).toContain(
        "verify-request",
      );
    }
    const refused = await askForMail(request, target, { "x-forwarded-for": "198.51.100.99" });
    expect(refused).toContain("error=TooManyMails");

    await page.goto("/signin");
    const form = page.getByTestId("email-signin");
    await form.getByLabel("E-mail").fill(target);
    await form.getByRole("button", { name: "Send me a sign-in link" }).click();
    await expect(page.getByText(/^Too many sign-in e-mails/)).toContainText(
      /Try again in (\d+ minutes|1 hour)\./,
    );
    await expect.poll(() => received).toBe(5);
    await sleep(1000);
    expect(received).toBe(5);
    mailbox().unbind(target, count);
  });

  test("one client cannot spray addresses by forging X-Forwarded-For", async ({ request }) => {
    mailbox(); // the mails must land somewhere
    const limit = Number(E2E.serverEnv.SIGNIN_MAILS_PER_HOUR_PER_CLIENT);
    let refusedAt = 0;
    for (let i = 1; i <= limit + 1; i++) {
      const location = await askForMail(request, `spray-${i}-${run}@e2e.test`, {
        "x-forwarded-for": `203.0.113.${i}`,
      });
      if (location.includes("error=TooManyMails")) {
        refusedAt = i;
        break;
      }
    }
    expect(refusedAt).toBeGreaterThan(0);
    expect(refusedAt).toBeLessThanOrEqual(limit + 1);
  });
});

test.describe("4. admins need a verified address", () => {
  test("a session for an unverified account with an admin's address gets 403; the magic link verifies it", async ({
    page,
    context,
  }) => {
    const email = E2E.unverifiedAdminEmail;
    // What an OAuth sign-in whose provider does not vouch for the address leaves behind.
    const [user] = await query<{ id: string }>(
      `INSERT INTO "User" (id, email, name, role, "emailVerified", "createdAt", "updatedAt")
       VALUES ($1, $2, 'unverified', 'user', NULL, now(), now())
       ON CONFLICT (email) DO UPDATE SET "emailVerified" = NULL RETURNING id`,
      [`unverified-${run}`, email],
    );
    const salt = "authjs.session-token";
    const token = await encode({ token: { sub: user!.id, email }, secret: E2E.serverEnv.AUTH_SECRET!, salt });
    await context.addCookies([
      { name: salt, value: token, url: E2E.baseUrl, httpOnly: true, sameSite: "Lax" },
    ]);

    await page.goto("/");
    await expect(page.getByTestId("signed-in-as")).toHaveText(email);
    await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
    expectFailedLoad(page, 403, "/admin");
    expect((await page.goto("/admin"))?.status()).toBe(403);

    await context.clearCookies();
    await signInByEmail(page, email, "/admin");
    expect((await page.goto("/admin"))?.status()).toBe(200);
  });
});

test.describe("7. security headers", () => {
  test("every page answers with a nonce CSP without unsafe-inline script, and the app still works", async ({
    page,
  }) => {
    const violations: string[] = [];
    page.on("console", (m) => {
      if (m.text().includes("Content Security Policy")) violations.push(m.text());
    });
    const response = await page.goto("/");
    const headers = response!.headers();
    const csp = headers["content-security-policy"]!;
    const script = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
    expect(script).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
    expect(script).not.toContain("unsafe-inline");
    expect(script).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    // PUBLIC_URL is http here: no HSTS, and the session cookie is not Secure.
    expect(headers["strict-transport-security"]).toBeUndefined();

    // Every script of the page carries this response's nonce.
    const nonce = /'nonce-([^']+)'/.exec(script)![1];
    const nonces = await page
      .locator("script")
      .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
    expect(nonces.length).toBeGreaterThan(0);
    expect(new Set(nonces)).toEqual(new Set([nonce]));

    // A fresh nonce per response.
    const again = (await page.reload())!.headers()["content-security-policy"];
    expect(again).not.toBe(csp);

    // The client-side app runs: the catalog filter and navigation work under the policy.
    await page.getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByTestId("email-signin")).toBeVisible();
    expect(violations).toEqual([]);
  });

  test("an injected inline script does not run, while the page's own scripts do", async ({ page }) => {
    await page.route("**/signin", async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(
        "</body>",
        "<script>window.__injected = true</script></body>",
      );
      await route.fulfill({ response, body: html });
    });
    // Chromium reports the refusal; the page's own scripts log nothing.
    expectConsoleError(
      page,
      /^Executing inline script violates the following Content Security Policy directive 'script-src /,
    );
    await page.goto("/signin");
    // React hydrated (the form's submit handler is live): the page's nonce'd scripts ran.
    await page.waitForFunction(() => document.querySelector("[data-testid=email-signin]") !== null);
    expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
  });

  test("API responses and static files carry the headers too", async ({ request, page }) => {
    const api = await request.get("/api/health");
    expect(api.headers()["x-content-type-options"]).toBe("nosniff");
    expect(api.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await page.goto("/signin");
    const src = await page.locator("script[src]").first().getAttribute("src");
    const asset = await request.get(src!);
    expect(asset.ok()).toBe(true);
    expect(asset.headers()["x-content-type-options"]).toBe("nosniff");
  });
});

test.describe("8. the pool API", () => {
  test("a body declared over 64 KiB is refused with 413 before a byte of it is sent", async () => {
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${E2E.baseUrl}/api/pool/claim`, {
        method: "POST",
        headers: {
          "x-api-key": KEY,
          "content-type": "application/json",
          "content-length": String(100 * 1024 * 1024),
        },
      });
      req.on("response", (res) => {
        resolve(res);
        req.destroy();
      });
      req.on("error", reject);
      req.flushHeaders(); // headers only: the server must answer without waiting for the body
      setTimeout(() => reject(new Error("no answer without the body: the server waited for it")), 15_000);
    });
    expect(answer.statusCode).toBe(413);
    // proxy.ts stays out of this route; the route sets the headers itself.
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
  });

  test("the hourly limit holds against a forged X-Forwarded-For", async ({ request }) => {
    const [before] = await query<{ apiClaimsPerHour: number }>(
      `SELECT "apiClaimsPerHour" FROM "PoolSetting" WHERE id = 1`,
    );
    await query(
      `INSERT INTO "PoolSetting" (id, "apiClaimsPerHour", "updatedAt") VALUES (1, 2, now())
       ON CONFLICT (id) DO UPDATE SET "apiClaimsPerHour" = 2`,
    );
    try {
      await query(`DELETE FROM "RateLimitHit" WHERE bucket LIKE 'pool-api:%'`);
      // An unknown template is answered 404 after the limit is counted, without taking a warm identity.
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await request.post("/api/pool/claim", {
          headers: { "x-api-key": KEY, "x-forwarded-for": `192.0.2.${i}` },
          data: { templateSlug: "no-such-template" },
        });
        statuses.push(response.status());
        if (response.status() === 429) {
          expect(response.headers()["retry-after"]).toMatch(/^\d+$/);
          expect((await response.json()).error.code).toBe("rate_limited");
        }
      }
      expect(statuses).toEqual([404, 404, 429]);
    } finally {
      if (before)
        await query(`UPDATE "PoolSetting" SET "apiClaimsPerHour" = $1 WHERE id = 1`, [
          before.apiClaimsPerHour,
        ]);
      else await query(`DELETE FROM "PoolSetting" WHERE id = 1`);
      await query(`DELETE FROM "RateLimitHit" WHERE bucket LIKE 'pool-api:%'`);
    }
  });
});

test.describe("6. production defaults", () => {
  test("npm start refuses the embedded database and the local XMTP node unless allowed, saying what to set", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...E2E.serverEnv };
    delete env.ALLOW_EMBEDDED_DATABASE;
    delete env.ALLOW_LOCAL_XMTP;
    env.DATA_DIR = ".data/e2e-refused";
    env.PORT = "3199";
    const child = spawn("node_modules/.bin/tsx", ["scripts/run.ts", "start"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain("ALLOW_EMBEDDED_DATABASE=1");
    expect(output).toContain("XMTP_ENV=production");
    expect(output).toContain("ALLOW_LOCAL_XMTP=1");
    expect(fs.existsSync(".data/e2e-refused/postgres")).toBe(false);
  });

  test("the embedded database, when allowed, has a random password kept 0600; the well-known one is refused", async () => {
    const file = embeddedPasswordFile(`${E2E.dataDir}/postgres`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8").trim()).not.toBe("postgres");
    const port = new URL(E2E.databaseUrl).port;
    const wellKnown = new pg.Client({
      connectionString: `postgresql://postgres:postgres@127.0.0.1:${port}/convos`,
    });
    await expect(wellKnown.connect()).rejects.toThrow(/password authentication failed/);
    await wellKnown.end().catch(() => {});
  });
});
