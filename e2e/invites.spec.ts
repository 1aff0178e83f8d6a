/** The owner sees their agent's conversations with members and invite state on its page, and locks and unlocks one. */
import { expect, expectFailedLoad, test } from "./fixtures";
import { closeMailbox } from "./mailbox";
import { launchAndOpenAgentPage } from "./pool";

test.afterAll(closeMailbox);

test("the owner sees the agent's invites and locks, then unlocks, its conversation", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const agentId = await launchAndOpenAgentPage(
    page,
    request,
    "invites@e2e.test",
    "trip-planner",
    "Trip Planner",
  );
  // The page's browser chat joins the owner conversation as a guest: locked before it got in, it is refused.
  expectFailedLoad(page, 503, `/api/agents/${agentId}/chat`, { optional: true });
  const card = page.getByRole("region", { name: "Invites" });
  const row = card.getByTestId("invites").getByRole("row").nth(1);
  await expect(row).toContainText("1. Trip Planner (owner conversation)");
  await expect(row).toContainText("invite open, no expiry");

  await card.getByRole("button", { name: "Lock: Trip Planner", exact: true }).click();
  // The worker running the conversation carries it out; the outcome is announced and the row re-rendered.
  await expect(card.getByRole("status")).toContainText('Locked "Trip Planner": nobody new can join', {
    timeout: 30_000,
  });
  await expect(row).toContainText("locked: nobody new can join");
  await expect(card.getByRole("button", { name: "Lock: Trip Planner", exact: true })).toHaveCount(0);

  await card.getByRole("button", { name: "Unlock: Trip Planner", exact: true }).click();
  await expect(card.getByRole("status")).toContainText("New invite link: https://", { timeout: 30_000 });
  await page.reload();
  await expect(card.getByTestId("invites").getByRole("row").nth(1)).toContainText("invite open, no expiry");
});
