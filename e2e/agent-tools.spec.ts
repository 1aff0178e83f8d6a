/** An agent's time zone (from the owner's browser at launch, changeable on its page) and its shared lists, read-only there. */
import { expect, test } from "./fixtures";
import { withDatabase } from "./database";
import { closeMailbox } from "./mailbox";
import { launchAndOpenAgentPage } from "./pool";

test.afterAll(closeMailbox);
test.use({ timezoneId: "Europe/Lisbon" });

test("the agent takes the owner's time zone at launch; the owner changes it and reads the agent's lists", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const agentId = await launchAndOpenAgentPage(
    page,
    request,
    "zones@e2e.test",
    "trip-planner",
    "Trip Planner",
  );

  const zone = page.getByLabel("Time zone");
  await expect(zone).toHaveValue("Europe/Lisbon");
  await zone.selectOption("Asia/Tokyo");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByText("Saved: the agent now tells time in Asia/Tokyo.")).toBeVisible();

  await expect(page.getByText("No lists yet.")).toBeVisible();
  // Members fill lists by chatting with the agent (tested with the worker); here one is written as the tool would.
  await withDatabase(async (client) => {
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
  });
  await page.reload();
  const list = page.getByRole("region", { name: "List shopping" });
  await expect(list.getByRole("listitem")).toHaveText(["milk (done)", "eggs"]);
  await expect(list.getByRole("button")).toHaveCount(0); // read-only
  await page.screenshot({ path: test.info().outputPath("agent-tools.png"), fullPage: true });
});
