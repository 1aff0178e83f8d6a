/**
 * The development server's console (`npm run dev`; run with playwright.dev.config.ts). React names a
 * hydration mismatch only in development, so the production suite cannot see one: here each page
 * is loaded, hydrated and photographed (in that order, see waitForHydration), and the shared fixture
 * fails the test on any console error or page error, as Next's dev overlay would count it.
 */
import type { Page } from "@playwright/test";
import { test, waitForHydration } from "@/e2e/fixtures";

async function visit(page: Page, paths: string[]) {
  for (const path of paths) {
    await page.goto(path);
    await waitForHydration(page);
    const name = path.replace(/\W+/g, "-").replace(/^-|-$/g, "") || "home";
    await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  }
}

test("signed out, the catalog and the sign-in page log nothing", async ({ page }) => {
  await visit(page, ["/", "/signin", "/a/trip-planner"]);
});

test("signed in as an admin, my agents and the admin pages log nothing", async ({ page }) => {
  await page.goto("/signin");
  await waitForHydration(page);
  const form = page.getByTestId("dev-signin");
  await form.getByRole("textbox").fill("admin@dev.local");
  await form.getByRole("button").click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
  await visit(page, ["/", "/agents", "/admin", "/admin/templates"]);
});
