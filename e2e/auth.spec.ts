import { expect, expectFailedLoad, test } from "./fixtures";
import { E2E } from "./env";
import { closeMailbox, signInByEmail } from "./mailbox";

test.afterAll(closeMailbox);

test("magic-link sign-in over real SMTP returns to the page that asked", async ({ page }) => {
  await page.goto("/agents");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fagents/);
  await signInByEmail(page, "reader@e2e.test", "/agents");
  await expect(page).toHaveURL(/\/agents$/);
  await expect(page.getByRole("heading", { name: "My agents" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("agents.png"), fullPage: true });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("the development sign-in is refused in production mode, even with its flag set", async ({
  page,
  request,
}) => {
  expect(E2E.serverEnv.ENABLE_DEV_SIGNIN).toBe("1");
  await page.goto("/signin");
  await expect(page.getByTestId("email-signin")).toBeVisible();
  await expect(page.getByTestId("dev-signin")).toHaveCount(0);

  // Posting straight to the provider's callback does not sign anyone in either.
  const csrf = await (await request.get("/api/auth/csrf")).json();
  await request.post("/api/auth/callback/dev", {
    form: { csrfToken: csrf.csrfToken, email: "intruder@e2e.test" },
    maxRedirects: 0,
  });
  const session = await (await request.get("/api/auth/session")).json();
  expect(session?.user).toBeUndefined();
});

test("admin pages: anonymous users go to sign-in, non-admins get 403 from the server, admins get in", async ({
  page,
}) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin/);

  await signInByEmail(page, "member@e2e.test", "/");
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  expectFailedLoad(page, 403, "/admin");
  const refused = await page.goto("/admin");
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await signInByEmail(page, E2E.adminEmail, "/admin");
  const allowed = await page.goto("/admin");
  expect(allowed?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Pool health" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin.png"), fullPage: true });
});

test("an invalid e-mail gets a clear message and sends nothing", async ({ page }) => {
  await page.goto("/signin");
  const form = page.getByTestId("email-signin");
  // The browser's own check is bypassed to reach the server's validation.
  await form.evaluate((f) => f.setAttribute("novalidate", ""));
  await form.getByLabel("E-mail").fill("not-an-email");
  await form.getByRole("button", { name: "Send me a sign-in link" }).click();
  await expect(form.getByRole("status")).toHaveText("Enter a valid e-mail address.");
});
