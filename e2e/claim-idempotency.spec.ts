/**
 * One Idempotency-Key per click on the launch page, in the browser against the production build: the
 * launch form submitted twice before its result (a double submit) launches one agent and shows it; the
 * next click, once that result is shown, is a new claim.
 */
import { expect, test } from "./fixtures";
import { query } from "./database";
import { closeMailbox, signInByEmail } from "./mailbox";
import { waitForIdle } from "./pool";

test.afterAll(closeMailbox);

const EMAIL = "double-submit@e2e.test";

async function agentsOfUser(): Promise<number> {
  const rows = await query<{ n: string }>(
    `SELECT count(*) AS n FROM "Agent" a JOIN "User" u ON u.id = a."ownerId" WHERE u.email = $1`,
    [EMAIL],
  );
  return Number(rows[0].n);
}

test("a double submit of Launch agent launches one agent; the next click another", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await waitForIdle(request, 2);
  await signInByEmail(page, EMAIL, "/a/trip-planner");
  const launchButton = page.getByRole("button", { name: "Launch agent" });
  const inviteLink = page.getByTestId("claim-result").getByRole("textbox", { name: "Invite link" });

  // Two submits in one task, as a double click that slips past the disabled button would make.
  await launchButton.evaluate((button) => {
    const form = button.closest("form")!;
    form.requestSubmit();
    form.requestSubmit();
  });
  await expect(inviteLink).toBeVisible();
  // Both submits are answered once the button is back (useActionState runs them one after the other).
  await expect(launchButton).toBeEnabled();
  const first = await inviteLink.inputValue();
  expect(await agentsOfUser()).toBe(1);

  await launchButton.click();
  await expect(inviteLink).not.toHaveValue(first);
  await expect(launchButton).toBeEnabled();
  expect(await agentsOfUser()).toBe(2);
});
