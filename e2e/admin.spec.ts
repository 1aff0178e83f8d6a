/** The admin pages: pool health and target idle, the agents table, templates; non-admins refused on the server. */
import type { Locator } from "@playwright/test";
import { expect, expectFailedLoad, test } from "./fixtures";
import { query, withDatabase } from "./database";
import { E2E } from "./env";
import { closeMailbox, signInByEmail } from "./mailbox";
import { waitForIdle } from "./pool";

test.afterAll(closeMailbox);

/** Fills the template editor (a form action resets it after each submission) and submits it. */
async function createTemplate(editor: Locator, slug: string) {
  await editor.getByLabel("Slug").fill(slug);
  await editor.getByLabel("Name").fill("E2E Helper");
  await editor.getByLabel("Emoji").fill("🧪");
  await editor.getByLabel("Category").fill("work");
  await editor.getByLabel("Description").fill("Helps the end-to-end tests.");
  await editor.getByLabel("Instructions (markdown)").fill("Be **helpful**.");
  await editor.getByRole("checkbox", { name: "Lists" }).check();
  await editor.getByRole("checkbox", { name: "Polls" }).check();
  await editor.getByRole("button", { name: "Create template" }).click();
}

test("a non-admin is refused on the server: admin pages answer 403, metrics 401", async ({ page }) => {
  await signInByEmail(page, "member2@e2e.test", "/");
  for (const path of ["/admin", "/admin/templates"]) {
    expectFailedLoad(page, 403, path);
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }
  expect((await page.request.get("/api/metrics")).status()).toBe(401);
});

test("the admin sees counts, changes target idle, replenishes and drains, and reads metrics", async ({
  page,
}) => {
  await signInByEmail(page, E2E.adminEmail, "/admin");
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Pool health" })).toBeVisible();
  await expect(page.getByTestId("count-idle")).toHaveText(/^\d+$/);
  await expect(page.getByTestId("workers")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Claim latency" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin.png"), fullPage: true });

  await page.getByLabel("Target idle").fill("7");
  await page.getByRole("button", { name: "Save target" }).click();
  await expect(page.getByTestId("admin-result").first()).toHaveText("Target idle is now 7.");
  await expect(page.getByTestId("target-idle")).toHaveText("7");

  await page.getByLabel("Replenish by").fill("2");
  await page.getByRole("button", { name: "Replenish" }).click();
  await expect(page.getByTestId("target-idle")).toHaveText("9");

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Drain (target 0)" }).click();
  await expect(page.getByTestId("target-idle")).toHaveText("0");

  await page.getByLabel("Target idle").fill("-1");
  await page.getByLabel("Target idle").evaluate((input: HTMLInputElement) => input.removeAttribute("min"));
  await page.getByRole("button", { name: "Save target" }).click();
  await expect(page.getByTestId("admin-result").first()).toHaveText("Target idle cannot be negative.");

  // Back to the e2e deployment's target for the other specs.
  await page.getByLabel("Target idle").fill("5");
  await page.getByRole("button", { name: "Save target" }).click();
  await expect(page.getByTestId("target-idle")).toHaveText("5");

  const metrics = await page.request.get("/api/metrics");
  expect(metrics.status()).toBe(200);
  const text = await metrics.text();
  expect(text).toContain("convos_pool_identities");
  expect(text).toMatch(/convos_pool_target_idle 5/);
});

/** Samples the last `minutes` minutes (as the workers would), with a peak no real sample reaches; returns a cleanup. */
async function seedPoolSamples(minutes: number): Promise<() => Promise<void>> {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const from = new Date(now - minutes * 60_000);
  await withDatabase(async (client) => {
    for (let i = minutes; i >= 1; i--) {
      const peak = i === 10;
      await client.query(
        `INSERT INTO "PoolSample" (minute, idle, claimed, live, claims, "claimP50Ms", "claimP95Ms", answers)
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7)
         ON CONFLICT (minute) DO UPDATE SET idle = $2, claimed = $3, live = $4, "claimP50Ms" = $5,
           "claimP95Ms" = $6, answers = $7`,
        [
          new Date(now - i * 60_000),
          5 - (i % 3),
          i % 2,
          peak ? 4321 : 3,
          120 + i,
          400 + i,
          peak ? 987 : i % 7,
        ],
      );
    }
  });
  return async () => void (await query(`DELETE FROM "PoolSample" WHERE minute >= $1`, [from]));
}

test("the pool over time: charts drawn from the samples, readable without JavaScript, and the load per worker", async ({
  page,
}) => {
  const cleanup = await seedPoolSamples(45);
  try {
    await signInByEmail(page, E2E.adminEmail, "/admin");
    await page.goto("/admin");
    const identities = page.getByTestId("chart-identities");
    await expect(identities.getByRole("img", { name: "Identities: idle, claimed, live" })).toBeVisible();
    const live = identities.locator('g[data-series="live"]');
    expect(Number(await live.getAttribute("data-points"))).toBeGreaterThanOrEqual(45);
    await expect(live.locator("path").first()).toHaveAttribute("d", /^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+$/);
    // The text equivalent: the peak seeded above is the highest live count.
    await expect(identities.getByRole("row", { name: /live/ }).getByRole("cell").nth(2)).toHaveText("4321");
    const answers = page.getByTestId("chart-answers");
    await expect(
      answers
        .getByRole("row", { name: /answers/ })
        .getByRole("cell")
        .nth(2),
    ).toHaveText("987");
    const latency = page.getByTestId("chart-latency");
    expect(
      Number(await latency.locator('g[data-series="p95"]').getAttribute("data-points")),
    ).toBeGreaterThanOrEqual(45);
    // The worker of this deployment reports its memory with its heartbeat.
    await expect(
      page
        .getByTestId("workers")
        .getByRole("cell", { name: /^\d+ MB$/ })
        .first(),
    ).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("admin-charts.png"), fullPage: true });

    // The page as the server sends it, before any script runs: the charts are already there.
    const html = await (await page.request.get("/admin")).text();
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="chart-answers-title chart-answers-desc"/);
    expect(html).toMatch(/<path d="M[\d.]+ [\d.]+ L/);
    expect(html).not.toContain("NaN");
  } finally {
    await cleanup();
  }
});

test("the agents table searches, filters by status, kills and restarts", async ({ page, request }) => {
  test.setTimeout(150_000);
  await waitForIdle(request);
  const name = `Admin table ${Date.now().toString(36)}`;
  const claim = await request.post("/api/pool/claim", {
    headers: { "x-api-key": "e2e-pool-api-key-not-for-production" },
    data: { agentName: name },
  });
  expect(claim.status()).toBe(201);
  const { agentId } = (await claim.json()) as { agentId: string };

  await signInByEmail(page, E2E.adminEmail, "/admin");
  await page.goto(`/admin?q=${encodeURIComponent(name)}`);
  const table = page.getByTestId("agents-table");
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText(name);
  await table.getByRole("button", { name: `Kill agent ${agentId}` }).click();
  await expect(table.getByTestId("admin-result")).toHaveText("Agent stopped.");

  await page.goto(`/admin?status=stopped&q=${encodeURIComponent(name)}`);
  await expect(page.getByRole("combobox", { name: "Status" })).toHaveValue("stopped");
  await expect(page.getByTestId("agents-table")).toContainText(name);
  await page.getByRole("button", { name: `Restart agent ${agentId}` }).click();
  // No longer stopped: it leaves this filtered table, and the worker makes it live again.
  await expect(page.getByText("No agents match.")).toBeVisible();
  await expect(async () => {
    await page.goto(`/admin?status=live&q=${encodeURIComponent(name)}`);
    await expect(page.getByTestId("agents-table")).toContainText(name, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
});

test("templates: validation errors, create, publish, feature, and the page appears", async ({ page }) => {
  await signInByEmail(page, E2E.adminEmail, "/admin/templates");
  await page.goto("/admin/templates");
  const editor = page.getByTestId("template-editor");
  const slug = `e2e-helper-${Date.now().toString(36)}`;
  await createTemplate(editor, "Bad Slug!");
  await expect(editor.getByTestId("template-result")).toContainText(
    "The slug may only have lower-case letters",
  );

  await createTemplate(editor, slug);
  await expect(editor.getByTestId("template-result")).toHaveText("Created E2E Helper.");

  // A draft is not public yet.
  expect((await page.request.get(`/a/${slug}`)).status()).toBe(404);
  await page.reload();
  await page.getByRole("button", { name: "Publish E2E Helper" }).click();
  await expect(page.getByRole("button", { name: "Unpublish E2E Helper" })).toBeVisible();
  await page.getByRole("button", { name: "Feature E2E Helper" }).click();
  await expect(page.getByRole("button", { name: "Unfeature E2E Helper" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin-templates.png"), fullPage: true });
  expect((await page.request.get(`/a/${slug}`)).status()).toBe(200);
  // Its badges are the tools ticked in the editor.
  await page.goto(`/a/${slug}`);
  await expect(page.getByRole("list", { name: "Skills" }).getByRole("listitem")).toHaveText([
    "Lists",
    "Polls",
  ]);
  await page.goto("/admin/templates");

  // Leave the catalog as the other specs expect it.
  await page.getByRole("button", { name: "Unfeature E2E Helper" }).click();
  await expect(page.getByRole("button", { name: "Feature E2E Helper" })).toBeVisible();
  await page.getByRole("button", { name: "Unpublish E2E Helper" }).click();
  await expect(page.getByRole("button", { name: "Publish E2E Helper" })).toBeVisible();
});
