/** An agent's time zone (from the owner's browser at launch, changeable on its page) and its shared lists, read-only there. */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { E2E } from "./env";
import { closeMailbox, signInByEmail } from "./mailbox";
import { waitForIdle } from "./pool";

test.afterAll(closeMailbox);
test.use({ timezoneId: "Europe/Lisbon" });

test("the agent takes the owner's time zone at launch; the owner changes it and reads the agent's lists", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  await waitForIdle(request);
  await signInByEmail(page, "zones@e2e.test", "/a/trip-planner");
  await page.getByRole("button", { name: "Launch agent" }).click();
  await expect(page.getByTestId("claim-result")).toBeVisible();
  await page.goto("/agents");
  await page
    .getByTestId("agent-card")
    .first()
    .getByRole("link", { name: /Trip Planner/ })
    .click();
  await page.waitForURL(/\/agents\/[^/]+$/);
  const agentId = new URL(page.url()).pathname.split("/").at(-1)!;

  const zone = page.getByLabel("Time zone");
  await expect(zone).toHaveValue("Europe/Lisbon");
  await zone.selectOption("Asia/Tokyo");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved: the agent now tells time in Asia/Tokyo.")).toBeVisible();

  await expect(page.getByText("No lists yet.")).toBeVisible();
  // Members fill lists by chatting with the agent (tested with the worker); here one is written as the tool would.
  const client = new pg.Client({ connectionString: E2E.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ timeZone: string }>(
      `SELECT "timeZone" FROM "Agent" WHERE id = $1`,
      [agentId],
    );
    expect(rows[0].timeZone).toBe("Asia/Tokyo");
    await client.query(
      `INSERT INTO "SharedList" (id, "agentId", "conversationId", name, "updatedAt") VALUES ($1, $2, 'conv', 'shopping', now())`,
      [`list-${agentId}`, agentId],
    );
    await client.query(
      `INSERT INTO "SharedListItem" (id, "listId", text, done) VALUES ($1, $3, 'milk', true), ($2, $3, 'eggs', false)`,
      [`item1-${agentId}`, `item2-${agentId}`, `list-${agentId}`],
    );
  } finally {
    await client.end();
  }
  await page.reload();
  const list = page.getByRole("region", { name: "List shopping" });
  await expect(list.getByRole("listitem")).toHaveText(["milk (done)", "eggs"]);
  await expect(list.getByRole("button")).toHaveCount(0); // read-only
  await page.screenshot({ path: test.info().outputPath("agent-tools.png"), fullPage: true });
});
