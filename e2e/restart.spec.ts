/**
 * An out-of-memory kill of the worker under the run command: SIGKILL to the
 * worker process of the server Playwright started (`tsx scripts/run.ts start`).
 * The web app keeps answering, the run command restarts the worker, a message
 * a real XMTP client sent while it was down is answered exactly once when it
 * is back, and the restart shows on /api/health.
 */
import { expect, test } from "@playwright/test";
import type { Group } from "@xmtp/node-sdk";
import pg from "pg";
import { openChatSession, type ChatSession } from "../workers/chat/session";
import { E2E } from "./env";
import { waitForIdle } from "./pool";

const KEY = "e2e-pool-api-key";
const OFFLINE_ANSWER = /no language model is configured/;

interface Health {
  ok: boolean;
  workers: number;
  worker: "up" | "restarting" | "down";
  restartsLastDay: { worker: number; "xmtp-node": number };
}

/** The agent's text messages in the group, oldest first. */
async function agentTexts(group: Group<unknown>, agentInbox: string): Promise<string[]> {
  await group.sync();
  return (await group.messages())
    .filter((m) => m.senderInboxId === agentInbox && typeof m.content === "string")
    .map((m) => m.content as string);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("after SIGKILL of the worker the site stays up, the worker comes back and answers what was sent meanwhile, once", async ({
  request,
}) => {
  test.setTimeout(240_000);
  const database = new pg.Client({ connectionString: E2E.databaseUrl });
  await database.connect();
  let session: ChatSession | undefined;
  try {
    await waitForIdle(request);
    const claimed = await request.post("/api/pool/claim", {
      headers: { "x-api-key": KEY },
      data: { templateSlug: "trip-planner", agentName: "Night Shift" },
    });
    expect(claimed.status()).toBe(201);
    const { agentId, inviteUrl } = (await claimed.json()) as { agentId: string; inviteUrl: string };

    const agentStatus = async () =>
      (await database.query<{ status: string }>(`SELECT status FROM "Agent" WHERE id = $1`, [agentId]))
        .rows[0]?.status;
    await expect.poll(agentStatus, { timeout: 60_000, intervals: [300] }).toBe("live");
    session = await openChatSession({
      inviteUrl,
      dataDir: test.info().outputPath("chat"),
      name: "E2E night owl",
      env: "local",
    });
    const group = session.conversation;

    // The greeting tells us the agent's inbox; then one question answered before the crash.
    let agentInbox = "";
    await expect
      .poll(
        async () => {
          await group.sync();
          const greeting = (await group.messages()).find(
            (m) => typeof m.content === "string" && m.content.startsWith("Hi, I'm Night Shift"),
          );
          agentInbox = greeting?.senderInboxId ?? "";
          return agentInbox;
        },
        { timeout: 60_000, intervals: [500] },
      )
      .not.toBe("");
    await group.sendText("before the crash");
    await expect
      .poll(async () => (await agentTexts(group, agentInbox)).filter((t) => OFFLINE_ANSWER.test(t)).length, {
        timeout: 30_000,
        intervals: [300],
      })
      .toBe(1);

    const before = (await (await request.get("/api/health")).json()) as Health;
    expect(before).toMatchObject({ ok: true, worker: "up" });
    const { rows } = await database.query<{ id: string; pid: number }>(
      `SELECT w.id, w.pid FROM "Identity" i JOIN "Worker" w ON w.id = i."leaseOwner" WHERE i."agentId" = $1`,
      [agentId],
    );
    expect(rows).toHaveLength(1);
    const [dead] = rows;

    // What an out-of-memory kill does; the message goes out once the process is really gone.
    process.kill(dead.pid, "SIGKILL");
    await expect.poll(() => alive(dead.pid), { timeout: 5_000, intervals: [50] }).toBe(false);
    await group.sendText("while the worker is down");

    // The web app answers throughout; the health check shows the restart, then the worker back up.
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const response = await request.get("/api/health");
          expect(response.status()).toBe(200);
          const health = (await response.json()) as Health;
          seen.add(health.worker);
          return (
            health.worker === "up" && health.restartsLastDay.worker === before.restartsLastDay.worker + 1
          );
        },
        { timeout: 60_000, intervals: [200] },
      )
      .toBe(true);
    expect(seen).toContain("restarting");

    // The replacement holds the agent, and the message sent during the outage gets one answer.
    await expect
      .poll(async () => (await agentTexts(group, agentInbox)).filter((t) => OFFLINE_ANSWER.test(t)).length, {
        timeout: 60_000,
        intervals: [300],
      })
      .toBe(2);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await agentTexts(group, agentInbox)).filter((t) => OFFLINE_ANSWER.test(t))).toHaveLength(2);
    const lease = await database.query<{ leaseOwner: string | null }>(
      `SELECT "leaseOwner" FROM "Identity" WHERE "agentId" = $1`,
      [agentId],
    );
    expect(lease.rows[0].leaseOwner).not.toBeNull();
    expect(lease.rows[0].leaseOwner).not.toBe(dead.id);
  } finally {
    await session?.close();
    await database.end();
  }
});
