/**
 * The public catalog against the production build: `/`, `/a/<slug>`, the 404,
 * the OG and QR images, and hostile template text. The server's database was
 * seeded by the run command; one hostile template is added here through `pg`.
 */
import type { APIResponse } from "@playwright/test";
import { expect, expectFailedLoad, test } from "./fixtures";
import { query } from "./database";
import { E2E } from "./env";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk (bytes 16–23), after checking the signature. */
function pngSize(body: Buffer) {
  expect([...body.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(body.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: body.readUInt32BE(16), height: body.readUInt32BE(20) };
}

async function expectPng(response: APIResponse) {
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("image/png");
  expect(response.headers()["cache-control"]).toMatch(/max-age=\d+/);
  return pngSize(await response.body());
}

test.describe("catalog", () => {
  test("shows featured templates, categories and the ready-now count", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByTestId("ready-now")).toHaveText(/^\d+ agents? ready now$/);

    const featured = page.getByRole("region", { name: "Featured" });
    expect(await featured.getByRole("article").count()).toBeGreaterThanOrEqual(4);
    await expect(featured.getByRole("link", { name: "Trip Planner" })).toBeVisible();

    const categories = page.getByRole("navigation", { name: "Categories" });
    expect(await categories.getByRole("link").count()).toBeGreaterThanOrEqual(6); // "All" + at least 5
    await expect(categories.getByRole("link", { name: "All" })).toHaveAttribute("aria-current", "page");

    const all = page.getByRole("region", { name: "All agents" });
    for (const name of ["Productivity", "Travel", "Learning", "Health", "Fun"]) {
      await expect(all.getByRole("heading", { name, exact: true })).toBeVisible();
    }
    expect(await all.getByRole("article").count()).toBeGreaterThanOrEqual(16);

    // Each card and chip carries a spinner for its pending navigation; at rest none shows.
    const spinners = page.locator("[data-link-pending]");
    expect(await spinners.count()).toBeGreaterThanOrEqual(22);
    await expect(page.locator("[data-link-pending]:visible")).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath("catalog.png"), fullPage: true });
  });

  test("filters by category with a link", async ({ page }) => {
    await page.goto("/");
    await page
      .getByRole("navigation", { name: "Categories" })
      .getByRole("link", { name: /^Travel/ })
      .click();
    await expect(page).toHaveURL(/\?category=travel$/);
    const results = page.getByRole("region", { name: "Results" });
    await expect(results.getByRole("heading", { name: "Travel", exact: true })).toBeVisible();
    await expect(results.getByRole("heading", { level: 3 })).toHaveCount(1);
    await expect(results.getByRole("link", { name: "Trip Planner" })).toBeVisible();
    await expect(results.getByRole("link", { name: "Meeting Scribe" })).toHaveCount(0);
    await expect(
      page.getByRole("navigation", { name: "Categories" }).getByRole("link", { name: /^Travel/ }),
    ).toHaveAttribute("aria-current", "page");
  });

  test("searches name, description and skills from the URL", async ({ page }) => {
    await page.goto("/?q=EMAIL");
    const results = page.getByRole("region", { name: "Results" });
    await expect(results.getByRole("link", { name: "Email Drafter" })).toBeVisible();
    await expect(results.getByRole("link", { name: "Trip Planner" })).toHaveCount(0);

    // "Polls" is a skill, not in any of these names.
    await page.goto("/?q=polls");
    await expect(results.getByRole("link", { name: "Decision Helper" })).toBeVisible();

    await page.goto("/?q=zzzz-no-such-thing");
    await expect(page.getByText("No agents match your search.")).toBeVisible();
    await expect(results.getByRole("article")).toHaveCount(0);
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("the search form and the category links still work", async ({ page }) => {
      await page.goto("/?category=health");
      const search = page.getByRole("searchbox", { name: "Search agents" });
      await search.fill("meals");
      await search.press("Enter");
      await expect(page).toHaveURL(/\?q=meals&category=health$/);
      const results = page.getByRole("region", { name: "Results" });
      await expect(results.getByRole("link", { name: "Meal Planner" })).toBeVisible();
      await expect(results.getByRole("article")).toHaveCount(1);

      await page.getByRole("navigation", { name: "Categories" }).getByRole("link", { name: "All" }).click();
      await expect(page).toHaveURL(/\?q=meals$/);
      await expect(results.getByRole("link", { name: "Meal Planner" })).toBeVisible();
    });
  });
});

test.describe("template page", () => {
  test("shows everything about the agent", async ({ page, context }) => {
    const response = await page.goto("/a/trip-planner");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Trip Planner" })).toBeVisible();
    await expect(page.getByTestId("template-description")).toContainText("itinerary");

    const skills = page.getByRole("list", { name: "Skills" });
    // Badges are the template's tools, and each tool has its line.
    await expect(skills.getByRole("listitem")).toHaveText([
      "Reactions",
      "Replies",
      "Lists",
      "Polls",
      "Web search",
      "Web pages",
      "Files",
    ]);
    const lines = page.getByRole("list", { name: "What it can do" }).getByRole("listitem");
    await expect(lines).toHaveCount(7);
    // The e2e server has no search provider: the page says so instead of promising search.
    await expect(lines.filter({ hasText: "Web search:" })).toContainText(
      "web search is not configured on this server",
    );

    const instructions = page.getByRole("region", { name: "Instructions" });
    await expect(instructions.getByRole("heading", { name: "What you do" })).toBeVisible();
    await expect(instructions.getByRole("heading", { name: "Don't" })).toBeVisible();
    await expect(instructions.locator("strong", { hasText: "one itinerary" })).toBeVisible();

    await expect(page.getByRole("region", { name: "Try saying" }).getByRole("listitem")).toHaveCount(3);

    const qr = page.getByRole("img", { name: /QR code for the Trip Planner page/ });
    await expect(qr).toHaveAttribute("src", "/qr/trip-planner");
    await expect
      .poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);

    const signIn = "/signin?callbackUrl=%2Fa%2Ftrip-planner";
    await expect(page.getByRole("link", { name: "Launch agent" })).toHaveAttribute("href", signIn);
    await expect(page.getByRole("link", { name: "Add to my conversation" })).toHaveAttribute("href", signIn);

    await expect(page.locator('meta[property="og:image"]')).toHaveAttribute("content", /\/og\/trip-planner$/);
    await expect(page.locator('meta[name="twitter:image"]')).toHaveAttribute(
      "content",
      /\/og\/trip-planner$/,
    );
    await expect(page).toHaveTitle(/Trip Planner/);

    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy link to this page" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Link copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${E2E.baseUrl}/a/trip-planner`);

    await page.screenshot({ path: test.info().outputPath("template-page.png"), fullPage: true });
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("the page is readable", async ({ page }) => {
      await page.goto("/a/meal-planner");
      await expect(page.getByRole("heading", { level: 1, name: "Meal Planner" })).toBeVisible();
      await expect(
        page.getByRole("region", { name: "Instructions" }).getByRole("heading", { name: "What you do" }),
      ).toBeVisible();
      await expect(page.getByRole("textbox", { name: "Page link" })).toHaveValue(/\/a\/meal-planner$/);
    });
  });

  test("an unknown slug is a real 404 with the not-found page", async ({ page }) => {
    for (const path of ["/a/no-such-agent", "/a/%3Cscript%3E"]) {
      expectFailedLoad(page, 404, path);
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { name: "We couldn’t find that agent" })).toBeVisible();
      await expect(page.getByRole("link", { name: "Browse all agents" })).toBeVisible();
    }
  });
});

test.describe("images", () => {
  test("OG images are 1200×630 PNGs", async ({ request }) => {
    expect(await expectPng(await request.get("/og/trip-planner"))).toEqual({ width: 1200, height: 630 });
    expect(await expectPng(await request.get("/og"))).toEqual({ width: 1200, height: 630 });
    expect((await request.get("/og/no-such-agent")).status()).toBe(404);
  });

  test("QR codes come as PNG and as SVG", async ({ request }) => {
    const size = await expectPng(await request.get("/qr/trip-planner"));
    expect(size.width).toBe(size.height);

    const svg = await request.get("/qr/trip-planner?format=svg");
    expect(svg.status()).toBe(200);
    expect(svg.headers()["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(svg.headers()["cache-control"]).toMatch(/max-age=\d+/);
    expect(await svg.text()).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    expect((await request.get("/qr/no-such-agent")).status()).toBe(404);
    expect((await request.get("/qr/no-such-agent?format=svg")).status()).toBe(404);
  });
});

test.describe("hostile template text", () => {
  const slug = "e2e-hostile-text";

  test.beforeAll(async () => {
    // Idempotent, so a re-run against the same database still starts from this row.
    await query(
      `INSERT INTO "Template" (id, slug, name, emoji, category, description, instructions, skills, "suggestedMessages",
                                 published, featured, "sortOrder", "updatedAt")
         VALUES ($1, $2, $3, '🧪', 'fun', $4, $5, $6, $7, true, false, 9999, now())
         ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
           instructions = EXCLUDED.instructions, skills = EXCLUDED.skills,
           "suggestedMessages" = EXCLUDED."suggestedMessages", published = true, "updatedAt" = now()`,
      [
        "e2e_hostile_text",
        slug,
        "Hostile <b>Agent</b>",
        "Says <script>window.__pwned = 1</script> hello",
        [
          "## Safe heading",
          "",
          'Look: <img src="x" onerror="window.__pwned = 2">',
          "",
          "<script>window.__pwned = 3</script>",
          "",
          "[a link](javascript:window.__pwned=4)",
        ].join("\n"),
        ["Testing"],
        ['<img src="y" onerror="window.__pwned = 5">', "second", "third"],
      ],
    );
  });

  test("is shown as text, never run", async ({ page }) => {
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const response = await page.goto(`/a/${slug}`);
    expect(response?.status()).toBe(200);

    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hostile <b>Agent</b>");
    await expect(page.getByTestId("template-description")).toHaveText(
      "Says <script>window.__pwned = 1</script> hello",
    );

    const instructions = page.getByRole("region", { name: "Instructions" });
    await expect(instructions.getByRole("heading", { name: "Safe heading" })).toBeVisible();
    await expect(instructions).toContainText('<img src="x" onerror="window.__pwned = 2">');
    await expect(instructions).toContainText("<script>window.__pwned = 3</script>");
    await expect(page.locator("main img[onerror], main script, main [href^='javascript:']")).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Try saying" })).toContainText('<img src="y"');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // The catalog card shows the same text safely.
    await page.goto("/?q=hostile");
    await expect(page.getByRole("link", { name: "Hostile <b>Agent</b>" })).toBeVisible();

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });
});
