/**
 * The claim-channel listener on a real PostgreSQL: notifications arrive, and
 * when the database drops its connection (as in a restart) it reconnects,
 * calls onReconnect (so the worker polls for what it missed) and hears the
 * channel again.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { waitFor } from "@/test/wait-for";
import { startListener } from "./listener";

const database = withTestDatabase();
const CHANNEL = "listener_test";
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function notify(payload: string) {
  await database().db.$executeRaw`SELECT pg_notify(${CHANNEL}, ${payload})`;
}

/** The backend pids of the sessions listening on the test channel. */
async function listenerPids(): Promise<number[]> {
  const rows = await database().db.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = ${`LISTEN ${CHANNEL}`}`;
  return rows.map((r) => r.pid);
}

describe("startListener", () => {
  it("hears notifications, and after losing its connection reconnects, reports it and hears them again", async () => {
    const heard: string[] = [];
    let reconnects = 0;
    const listener = await startListener({
      connectionString: database().url,
      channels: [CHANNEL],
      onNotify: (payload) => heard.push(payload),
      onReconnect: () => reconnects++,
      log: pino({ level: "silent" }),
    });
    close = listener.close;

    await notify("before");
    await waitFor("the first notification", () => heard.includes("before"));
    expect(reconnects).toBe(0);

    const [pid] = await listenerPids();
    expect(pid).toBeGreaterThan(0);
    await database().db.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
    await waitFor("the listener to reconnect", () => reconnects === 1, 10_000);
    const [newPid] = await waitFor("a new LISTEN session", async () =>
      (await listenerPids()).length === 1 ? listenerPids() : null,
    );
    expect(newPid).not.toBe(pid);

    await notify("after");
    await waitFor("the notification after the reconnect", () => heard.includes("after"));
    expect(heard).toEqual(["before", "after"]);
  });
});
