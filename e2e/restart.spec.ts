/**
 * Crashes under the run command: SIGKILL (what an out-of-memory kill does) to
 * the worker, then to the local XMTP node, of the server Playwright started
 * (`tsx scripts/run.ts start`). The web app keeps answering, the run command
 * restarts what died, a message a real XMTP client sent while the worker was
 * down is answered exactly once when it is back, and the restarts show on
 * /api/health, /admin and the metrics.
 */
import fs from "node:fs";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import type { Group } from "@xmtp/node-sdk";
import { openChatSession, type ChatSession } from "@/lib/chat/session";
import { processAlive } from "@/scripts/process-alive.ts";
import { query } from "./database";
import { E2E } from "./env";
import { closeMailbox, signInByEmail } from "./mailbox";
import { waitForIdle } from "./pool";
import { setTimeout as sleep } from "node:timers/promises";

const KEY = "e2e-pool-api-key-not-for-production";
const OFFLINE_ANSWER = /no language model is configured/;

interface Health {
  ok: boolean;
  workers: number;
  worker: "up" | "restarting" | "down";
  restartsLastDay: { worker: number; "xmtp-node": number };
}

test.describe.configure({ mode: "serial" });

let session: ChatSession | undefined;
/** The agent both tests talk to, and the person's view of its conversation. */
let agent: { id: string; inbox: string; group: Group<unknown> };

test.afterAll(async () => {
  await session?.close();
  await closeMailbox();
});

/** How many offline answers the agent has sent in the conversation. */
async function answers(): Promise<number> {
  await agent.group.sync();
  return (await agent.group.messages()).filter(
    (m) => m.senderInboxId === agent.inbox && typeof m.content === "string" && OFFLINE_ANSWER.test(m.content),
  ).length;
}

async function health(request: APIRequestContext): Promise<Health> {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  return (await response.json()) as Health;
}

/**
 * Polls /api/health (which must answer 200 every time) until the worker is up
 * again after one more restart of `part`; returns the worker states seen.
 */
async function waitForRestart(
  request: APIRequestContext,
  part: keyof Health["restartsLastDay"],
  before: Health,
) {
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const now = await health(request);
        seen.add(now.worker);
        return now.worker === "up" && now.restartsLastDay[part] === before.restartsLastDay[part] + 1;
      },
      { timeout: 90_000, intervals: [200] },
    )
    .toBe(true);
  return seen;
}

async function killAndWait(pid: number) {
  process.kill(pid, "SIGKILL");
  await expect.poll(() => processAlive(pid), { timeout: 5_000, intervals: [50] }).toBe(false);
}

/**
 * The local node's process of this server: the node program (not its tsx wrapper) started from this
 * checkout with the e2e data folder. Other checkouts on the machine run nodes of their own.
 */
function localNodePid(): number {
  const pids = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!args.includes("workers/xmtp-node/main.ts") || !args.some((a) => a.includes("loader"))) continue;
      if (fs.realpathSync(`/proc/${pid}/cwd`) !== fs.realpathSync(process.cwd())) continue;
      if (!fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`DATA_DIR=${E2E.dataDir}`))
        continue;
      return Number(pid);
    } catch {
      // the process ended, or is not ours to read
    }
  }
  throw new Error("the local XMTP node of the e2e server is not running");
}

test("after SIGKILL of the worker the site stays up, the worker comes back and answers what was sent meanwhile, once", async ({
  request,
}) => {
  test.setTimeout(240_000);
  await waitForIdle(request);
  const claimed = await request.post("/api/pool/claim", {
    headers: { "x-api-key": KEY },
    data: { templateSlug: "trip-planner", agentName: "Night Shift" },
  });
  expect(claimed.status()).toBe(201);
  const { agentId, inviteUrl } = (await claimed.json()) as { agentId: string; inviteUrl: string };
  const agentStatus = async () =>
    (await query<{ status: string }>(`SELECT status FROM "Agent" WHERE id = $1`, [agentId]))[0]?.status;
  await expect.poll(agentStatus, { timeout: 60_000, intervals: [300] }).toBe("live");
  session = await openChatSession({
    inviteUrl,
    dataDir: test.info().outputPath("chat"),
    name: "E2E night owl",
    env: "local",
  });
  const group = session.conversation;

  // The greeting tells us the agent's inbox; then one question answered before the crash.
  let inbox = "";
  await expect
    .poll(
      async () => {
        await group.sync();
        const greeting = (await group.messages()).find(
          (m) => typeof m.content === "string" && m.content.startsWith("Hi, I'm Night Shift"),
        );
        inbox = greeting?.senderInboxId ?? "";
        return inbox;
      },
      { timeout: 60_000, intervals: [500] },
    )
    .not.toBe("");
  agent = { id: agentId, inbox, group };
  await group.sendText("before the crash");
  await expect.poll(answers, { timeout: 30_000, intervals: [300] }).toBe(1);

  const before = await health(request);
  expect(before).toMatchObject({ ok: true, worker: "up" });
  const rows = await query<{ id: string; pid: number }>(
    `SELECT w.id, w.pid FROM "Identity" i JOIN "Worker" w ON w.id = i."leaseOwner" WHERE i."agentId" = $1`,
    [agentId],
  );
  expect(rows).toHaveLength(1);
  const [dead] = rows;

  // The message goes out once the worker is really gone. The web app answers throughout; the health check,
  // read from the kill on (the restart may be quick, and a send slow), shows the restart, then the worker up.
  await killAndWait(dead.pid);
  const restart = waitForRestart(request, "worker", before);
  await group.sendText("while the worker is down");
  expect(await restart).toContain("restarting");

  // The replacement holds the agent, and the message sent during the outage gets one answer.
  await expect.poll(answers, { timeout: 60_000, intervals: [300] }).toBe(2);
  await sleep(3_000);
  expect(await answers()).toBe(2);
  const lease = await query<{ leaseOwner: string | null }>(
    `SELECT "leaseOwner" FROM "Identity" WHERE "agentId" = $1`,
    [agentId],
  );
  expect(lease[0].leaseOwner).not.toBeNull();
  expect(lease[0].leaseOwner).not.toBe(dead.id);
});

test("after SIGKILL of the local XMTP node it comes back with its state, the worker with it, and the agent answers", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const before = await health(request);
  await killAndWait(localNodePid());
  await waitForRestart(request, "xmtp-node", before);

  // Same port, same state: the conversation is still there, and the restarted worker answers in it.
  await expect
    .poll(
      async () => {
        try {
          await agent.group.sendText("after the node came back");
          return true;
        } catch {
          return false; // our own client reconnects to the node
        }
      },
      { timeout: 30_000, intervals: [500] },
    )
    .toBe(true);
  await expect.poll(answers, { timeout: 60_000, intervals: [300] }).toBe(3);

  // The admin page and the metrics show both restarts.
  await signInByEmail(page, E2E.adminEmail, "/admin");
  await expect(page.getByTestId("worker-state")).toContainText(
    /Worker: up · restarts in the last day: 1 worker, 1 local XMTP node/,
  );
  const metrics = await page.request.get("/api/metrics");
  expect(metrics.status()).toBe(200);
  const text = await metrics.text();
  expect(text).toContain('convos_restarts_total{part="worker"} 1');
  expect(text).toContain('convos_restarts_total{part="xmtp-node"} 1');
});
