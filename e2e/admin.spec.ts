/** The admin pages: pool health and target idle, the agents table, templates; non-admins refused on the server. */
import { expect, test, type Locator } from "@playwright/test";
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

test("the agents table searches, filters by status, kills and restarts", async ({ page, request }) => {
  test.setTimeout(150_000);
  await waitForIdle(request);
  const name = `Admin table ${Date.now().toString(36)}`;
  const claim = await request.post("/api/pool/claim", {
    headers: { "x-api-key": "e2e-pool-api-key" },
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
