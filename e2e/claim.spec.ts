/**
 * The claim flow in the browser, on the real parts: the worker warms the pool,
 * a signed-in user launches an agent and gets its invite, a real XMTP client
 * (the terminal chat client's programmatic entry) joins through it, and the
 * page shows that someone joined. Add-to-conversation uses an invite made by a
 * test creator; a bad invite shows its error and claims nothing.
 */
import { expect, expectFailedLoad, test } from "./fixtures";
import { openChatSession } from "@/lib/chat/session";
import { query } from "./database";
import { decodeQrPng } from "@/test/decode-qr";
import { closeMailbox, signInByEmail } from "./mailbox";
import { startTestCreator, waitForIdle } from "./pool";

test.afterAll(closeMailbox);

async function agentCount(): Promise<number> {
  const rows = await query<{ n: string }>('SELECT count(*) AS n FROM "Agent"');
  return Number(rows[0].n);
}

test("launch an agent: invite QR and URL, a real client joins, the page shows it", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await waitForIdle(request);
  await signInByEmail(page, "launcher@e2e.test", "/a/trip-planner");
  await page.getByRole("button", { name: "Launch agent" }).click();

  const result = page.getByTestId("claim-result");
  const qr = result.getByRole("img", { name: /QR code of the invite/ });
  await expect(qr).toBeVisible();
  await expect
    .poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
  const inviteUrl = await result.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(inviteUrl).toMatch(/^https:\/\/dev\.convos\.org\/v2\?i=/);
  await expect(result.getByRole("link", { name: "Open in Convos" })).toHaveAttribute("href", inviteUrl);
  // The QR scans to that invite; it is the owner's: signed out gets 401, never the image.
  const qrSrc = (await qr.getAttribute("src"))!;
  const qrResponse = await page.request.get(qrSrc);
  expect(qrResponse.headers()["content-type"]).toBe("image/png");
  expect(decodeQrPng(await qrResponse.body())).toBe(inviteUrl);
  expect((await request.get(qrSrc)).status()).toBe(401);
  await page.screenshot({ path: test.info().outputPath("claim-result.png"), fullPage: true });

  const status = page.getByTestId("agent-status");
  await expect(status).toHaveAttribute("data-status", "live", { timeout: 60_000 });

  const session = await openChatSession({
    inviteUrl,
    dataDir: test.info().outputPath("chat"),
    name: "E2E visitor",
    env: "local",
  });
  try {
    await expect(status).toHaveText(/someone joined/i, { timeout: 60_000 });
  } finally {
    await session.close();
  }
  await page.screenshot({ path: test.info().outputPath("claim-joined.png"), fullPage: true });

  // My agents lists it with its invite; its page has the timeline; stopping it sticks.
  await page.goto("/agents");
  const card = page.getByTestId("agent-card").first();
  await expect(card).toContainText("Trip Planner");
  await expect(card.getByRole("textbox", { name: "Invite link" })).toHaveValue(inviteUrl);
  await expect(card.getByRole("img", { name: /QR code of the invite/ })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("my-agents.png"), fullPage: true });
  await card.getByRole("link", { name: /Trip Planner/ }).click();
  await expect(page.getByTestId("timeline")).toContainText("Claimed");
  await expect(page.getByTestId("timeline")).toContainText("Someone joined");
  await page.screenshot({ path: test.info().outputPath("agent.png"), fullPage: true });
  // The page's browser chat joins the conversation as it opens (15-20 s here); a stop before that
  // closes the join and its stream answers 503. Waiting for the join would add those seconds.
  const agentId = new URL(page.url()).pathname.split("/").at(-1)!;
  expectFailedLoad(page, 503, `/api/agents/${agentId}/chat`, { optional: true });
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Stop agent" }).click();
  await expect(page.getByTestId("agent-status")).toHaveAttribute("data-status", "stopped");
  await page.reload();
  await expect(page.getByTestId("timeline")).toContainText("Stopped");
  await expect(page.getByTestId("stop-reason")).toHaveText("Trip Planner was stopped by its owner.");
  await expect(page.getByRole("button", { name: "Stop agent" })).toHaveCount(0);
  // The worker carries the stop out within seconds: the agent leaves its conversation.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("timeline")).toContainText("Left the conversation", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
});

test("add to my conversation: the agent joins a conversation made by someone else", async ({ page }) => {
  test.setTimeout(180_000);
  const creator = await startTestCreator(test.info().outputPath("creator"));
  try {
    await signInByEmail(page, "adder@e2e.test", "/a/trip-planner");
    await page.getByRole("button", { name: "Add to my conversation" }).click();
    await page.getByLabel("Invite link of your conversation").fill(creator.inviteUrl);
    await page.getByRole("button", { name: "Add agent" }).click();
    const status = page.getByTestId("agent-status");
    await expect(status).toHaveAttribute("data-status", /joining|live/);
    await expect(status).toHaveAttribute("data-status", "live", { timeout: 90_000 });
    await expect(status).toHaveText(/joined your conversation/);
    await expect
      .poll(async () => (await creator.memberInboxIds()).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: test.info().outputPath("add-joined.png"), fullPage: true });

    // The same invite again (the form clears after a submission): one invite never yields two agents.
    await page.getByLabel("Invite link of your conversation").fill(creator.inviteUrl);
    await page.getByRole("button", { name: "Add agent" }).click();
    await expect(page.getByTestId("claim-result").getByRole("alert")).toContainText("already joined");
  } finally {
    await creator.stop();
  }
});

test("an invalid invite URL shows its error and claims nothing", async ({ page }) => {
  await signInByEmail(page, "typo@e2e.test", "/a/trip-planner");
  const before = await agentCount();
  await page.getByRole("button", { name: "Add to my conversation" }).click();
  await page.getByLabel("Invite link of your conversation").fill("https://example.com/not-an-invite");
  await page.getByRole("button", { name: "Add agent" }).click();
  await expect(page.getByTestId("claim-result").getByRole("alert")).toHaveText(/not a Convos invite link/);
  expect(await agentCount()).toBe(before);
  await page.screenshot({ path: test.info().outputPath("invalid-invite.png") });
});

test("browser chat: a guest identity joins the agent's conversation and the agent answers", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await waitForIdle(request);
  await signInByEmail(page, "chatter@e2e.test", "/a/trip-planner");
  await page.getByRole("button", { name: "Launch agent" }).click();
  await expect(page.getByTestId("agent-status")).toHaveAttribute("data-status", "live", { timeout: 60_000 });
  await page.getByRole("link", { name: "See this agent on My agents" }).click();

  await expect(page.getByTestId("chat-connection")).toHaveAttribute("data-state", "open", {
    timeout: 60_000,
  });
  await page.getByLabel("Message", { exact: true }).fill("Hello from the browser");
  await page.getByRole("button", { name: "Send" }).click();
  const log = page.getByTestId("chat-log");
  await expect(log.locator('li[data-from="me"]', { hasText: "Hello from the browser" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(log.locator('li[data-from="me"] ~ li[data-from="agent"]').first()).toBeVisible({
    timeout: 60_000,
  });
  await page.screenshot({ path: test.info().outputPath("browser-chat.png"), fullPage: true });
});

/** Sets the pool's target of idle identities directly (the admin spec drives the same setting through /admin). */
async function setTargetIdle(targetIdle: number) {
  await query(
    `INSERT INTO "PoolSetting" (id, "targetIdle", "updatedAt") VALUES (1, $1, now())
     ON CONFLICT (id) DO UPDATE SET "targetIdle" = $1, "updatedAt" = now()`,
    [targetIdle],
  );
}

test("an empty pool answers at once with a clear message and claims nothing", async ({ page, request }) => {
  test.setTimeout(180_000);
  await setTargetIdle(0);
  try {
    // Nothing provisioning any more, then every idle identity claimed through the API.
    await expect
      .poll(
        async () =>
          ((await (await request.get("/api/pool/counts")).json()) as { provisioning: number }).provisioning,
        {
          timeout: 60_000,
        },
      )
      .toBe(0);
    for (let i = 0; i < 50; i++) {
      const claim = await request.post("/api/pool/claim", {
        headers: { "x-api-key": "e2e-pool-api-key-not-for-production" },
        data: {},
      });
      if (claim.status() === 503) break;
      expect(claim.status()).toBe(201);
    }
    await signInByEmail(page, "too-early@e2e.test", "/a/trip-planner");
    const before = await agentCount();
    await page.getByRole("button", { name: "Launch agent" }).click();
    const alert = page.getByTestId("claim-result").getByRole("alert");
    await expect(alert).toHaveText(/No agent is ready right now/, { timeout: 5_000 });
    await expect(alert).toHaveAttribute("data-code", "pool_empty");
    await expect(page.getByRole("button", { name: "Launch agent" })).toBeEnabled();
    expect(await agentCount()).toBe(before);
    await page.screenshot({ path: test.info().outputPath("empty-pool.png") });
  } finally {
    await setTargetIdle(5);
  }
  await waitForIdle(request);
});
