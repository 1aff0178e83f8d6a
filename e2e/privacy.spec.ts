/**
 * The owner takes their agent's data and erases it: the download is the agent's JSON with the notice,
 * "Delete agent" makes the agent leave and erases it, "Delete my account" erases the user and signs them
 * out; /privacy is linked from the header.
 */
import fs from "node:fs";
import { expect, expectFailedLoad, test } from "./fixtures";
import { query } from "./database";
import { closeMailbox } from "./mailbox";
import { launchAndOpenAgentPage } from "./pool";

test.afterAll(closeMailbox);

test("the owner downloads an agent's data, deletes it, then deletes their account", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  page.on("dialog", (dialog) => void dialog.accept());
  const agentId = await launchAndOpenAgentPage(
    page,
    request,
    "privacy@e2e.test",
    "trip-planner",
    "Trip Planner",
  );

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: /Download .*data/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`agent-${agentId}.json`);
  const body = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  expect(body.agent.id).toBe(agentId);
  expect(body.notice).toMatch(/^Messages themselves are never stored/);
  expect(body.conversations.length).toBeGreaterThan(0);

  // The page's browser chat may still be joining the conversation when the deletion stops the agent.
  expectFailedLoad(page, 503, `/api/agents/${agentId}/chat`, { optional: true });
  await page.getByRole("button", { name: "Delete agent" }).click();
  await page.waitForURL(/\/agents$/, { timeout: 30_000 });
  expect(await query(`SELECT id FROM "Agent" WHERE id = $1`, [agentId])).toHaveLength(0);

  await page.getByRole("button", { name: "Delete my account" }).click();
  await page.waitForURL((url) => url.pathname === "/", { timeout: 30_000 });
  expect(await query(`SELECT id FROM "User" WHERE email = 'privacy@e2e.test'`)).toHaveLength(0);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.getByRole("link", { name: "Privacy" }).click();
  await expect(page.getByRole("heading", { name: "Privacy", level: 1 })).toBeVisible();
});
