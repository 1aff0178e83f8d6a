/** The owner sees their agent's reminders and schedules on its page (next run, rule, text) and cancels one. */
import { expect, test } from "./fixtures";
import { query } from "./database";
import { closeMailbox } from "./mailbox";
import { launchAndOpenAgentPage } from "./pool";

test.afterAll(closeMailbox);

test("the owner sees the agent's schedules and cancels one", async ({ page, request }) => {
  test.setTimeout(120_000);
  const agentId = await launchAndOpenAgentPage(
    page,
    request,
    "schedules@e2e.test",
    "standup-host",
    "Standup Host",
  );
  await expect(page.getByText("No reminders or schedules.")).toBeVisible();

  // The agent's tools write these when members ask (tested with the worker); here they are written as the tools would.
  await query(
    `INSERT INTO "Schedule" (id, "agentId", "identityId", rule, "timeZone", mode, text, "nextRunAt", "updatedAt") VALUES
        ($1, $3, 'identity', 'DTSTART:20261130T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0', 'Europe/Paris', 'prompt', 'post the standup questions', '2030-12-02T08:00:00', now()),
        ($2, $3, 'identity', NULL, 'Europe/Paris', 'post', 'book the room', '2030-12-01T17:30:00', now())`,
    [`weekly-${agentId}`, `once-${agentId}`, agentId],
  );
  await page.reload();
  const rows = page.getByTestId("schedules").getByRole("row");
  await expect(rows).toHaveCount(3); // the header and two schedules, soonest first
  await expect(rows.nth(1)).toContainText("Sun, 1 Dec 2030, 18:30");
  await expect(rows.nth(1)).toContainText("once");
  await expect(rows.nth(1)).toContainText("book the room");
  await expect(rows.nth(2)).toContainText("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0");
  await expect(rows.nth(2)).toContainText("Task: post the standup questions");

  await rows.nth(1).getByRole("button", { name: "Cancel reminder" }).click();
  await expect(page.getByText("book the room")).toHaveCount(0); // the page is re-rendered without it
  await page.reload();
  await expect(page.getByTestId("schedules").getByRole("row")).toHaveCount(2);
  await expect(page.getByText("book the room")).toHaveCount(0);
});
