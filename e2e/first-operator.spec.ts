/**
 * An owned agent's first operator, on the real parts: its page shows a
 * one-time code and says why joining first is not enough; a stranger who
 * joins first through the invite (a real XMTP client) is told how the owner
 * steers the agent and changes nothing; the owner posts the page's code from
 * another client and the page then lists them as the operator.
 */
import { expect, test } from "./fixtures";
import { openChatSession, type ChatMessage, type ChatSession } from "@/lib/chat/session";
import { query } from "./database";
import { closeMailbox } from "./mailbox";
import { launchAndOpenAgentPage } from "./pool";

const sessions: ChatSession[] = [];
test.afterAll(async () => {
  await Promise.allSettled(sessions.map((s) => s.close()));
  await closeMailbox();
});

/** Joins the agent's conversation as `name`; `said()` is what others said live since then. */
async function joinAs(inviteUrl: string, name: string) {
  const session = await openChatSession({
    inviteUrl,
    dataDir: test.info().outputPath(name),
    name,
    env: "local",
  });
  sessions.push(session);
  const heard: ChatMessage[] = [];
  session.onMessage((m) => void (m.fromMe || heard.push(m)));
  const said = () => [...session.history.filter((m) => !m.fromMe), ...heard].map((m) => m.text);
  return { session, said };
}

test("the agent page shows the operator code; its owner posts it, a stranger who joined first steers nothing", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const agentId = await launchAndOpenAgentPage(
    page,
    request,
    "first-operator@e2e.test",
    "trip-planner",
    "Trip Planner",
  );
  const card = page.getByRole("region", { name: "Who steers it" });
  await expect(card.getByRole("heading", { name: "Become its operator" })).toBeVisible();
  await expect(card).toContainText("Nobody steers Trip Planner yet");
  await expect(card).toContainText("joining first proves nothing");
  const code = ((await card.getByTestId("operator-code").textContent()) ?? "").trim();
  expect(code).toMatch(/^[A-Z2-9]{10}$/);
  await card.screenshot({ path: test.info().outputPath("first-operator.png") });
  await page.reload();
  await expect(card.getByTestId("operator-code")).toHaveText(code); // one code per agent, not per visit

  await expect
    .poll(
      async () =>
        (await query<{ status: string }>(`SELECT status FROM "Agent" WHERE id = $1`, [agentId]))[0]?.status,
      { timeout: 60_000, intervals: [300] },
    )
    .toBe("live");
  const [{ inviteUrl }] = await query<{ inviteUrl: string }>(
    `SELECT "inviteUrl" FROM "Identity" WHERE "agentId" = $1 AND "isOwnerConversation"`,
    [agentId],
  );

  // The stranger got the link first: their /policy is answered with how the owner steers the agent.
  const stranger = await joinAs(inviteUrl, "Stranger");
  await stranger.session.send("/policy open");
  await expect
    .poll(() => stranger.said().some((t) => t.startsWith("Nobody steers me yet")), { timeout: 30_000 })
    .toBe(true);
  const [after] = await query(
    `SELECT "dmPolicy", coalesce(cardinality(operators), 0)::int AS operators FROM "Agent" WHERE id = $1`,
    [agentId],
  );
  expect(after).toEqual({ dmPolicy: "pairing", operators: 0 });

  // The owner posts the code from the page and is the operator; the page lists them.
  const owner = await joinAs(inviteUrl, "Owner");
  await owner.session.send(code);
  await expect
    .poll(() => owner.said().some((t) => t.startsWith("You're now an operator")), { timeout: 30_000 })
    .toBe(true);
  await page.reload();
  await expect(card.getByTestId("operators")).toContainText(owner.session.inboxId);
  await expect(card.getByRole("heading", { name: "Become its operator" })).toHaveCount(0);
  await card.screenshot({ path: test.info().outputPath("operator-confirmed.png") });
});
