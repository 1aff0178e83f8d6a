/**
 * Reminders and schedules on PostgreSQL with a clock the test moves: local
 * times across daylight-saving changes, missed runs fired late or skipped,
 * two workers firing at once never doubling a run, 1,000 due in one minute.
 */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { claimFiring, finishFiring, fireAllDue, pendingFirings, pruneFinished } from "./firing";
import {
  cancelAgentSchedules,
  cancelScheduleOfOwner,
  createReminder,
  createSchedule,
  describeSchedules,
  ScheduleError,
} from "./mutations";
import { formatLocal } from "./wall-clock";

const database = withTestDatabase();
const HOUR = 3_600_000;
const GRACE = HOUR;

async function scope(timeZone: string) {
  const { db } = database();
  const agent = await db.agent.create({ data: { name: "Clock", instructions: "", timeZone } });
  return { agentId: agent.id, identityId: `identity-${agent.id}`, timeZone };
}

/** Fires at `now` and "sends" what is pending, as the worker does; resolves with the sent firings. */
async function tick(identityId: string, now: Date) {
  await fireAllDue({ identityIds: [identityId], now, graceMs: GRACE });
  const sent = [];
  for (const f of await pendingFirings([identityId]))
    if (await claimFiring(f)) {
      await finishFiring(f, "sent", now);
      sent.push(f);
    }
  return sent;
}

describe("schedules", () => {
  it("fires a daily 9:00 at 9:00 local time on both sides of the spring and autumn changes", async () => {
    const s = await scope("America/New_York");
    const { db } = database();
    // Created on Friday 6 March 2026, 08:00 EST; clocks go forward on Sunday 8 March.
    const created = new Date("2026-03-06T13:00:00Z");
    await db.$transaction((tx) =>
      createSchedule(tx, s, { rule: "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", text: "stretch" }, created),
    );
    const fired: string[] = [];
    for (let t = created.getTime(); t < created.getTime() + 4 * 24 * HOUR; t += 15 * 60_000)
      for (const f of await tick(s.identityId, new Date(t))) fired.push(f.dueAt.toISOString());
    expect(fired).toEqual([
      "2026-03-06T14:00:00.000Z", // 09:00 EST (UTC-5)
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z", // 09:00 EDT (UTC-4)
      "2026-03-09T13:00:00.000Z",
    ]);
    expect(fired.map((d) => formatLocal(new Date(d), s.timeZone).slice(-5))).toEqual([
      "09:00",
      "09:00",
      "09:00",
      "09:00",
    ]);

    // Autumn, in Paris: a weekly Sunday 9:00 over the last Sunday of October.
    const p = await scope("Europe/Paris");
    const octCreated = new Date("2026-10-17T10:00:00Z");
    await db.$transaction((tx) =>
      createSchedule(tx, p, { rule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=9;BYMINUTE=0", text: "brunch" }, octCreated),
    );
    const paris: string[] = [];
    for (let t = octCreated.getTime(); t < octCreated.getTime() + 16 * 24 * HOUR; t += HOUR / 2)
      for (const f of await tick(p.identityId, new Date(t))) paris.push(f.dueAt.toISOString());
    expect(paris).toEqual([
      "2026-10-18T07:00:00.000Z",
      "2026-10-25T08:00:00.000Z",
      "2026-11-01T08:00:00.000Z",
    ]);
  });

  it("reads a reminder's time without an offset in the agent's time zone, a gap time moved forward", async () => {
    const { parseTime } = await import("./wall-clock");
    expect(parseTime("2026-03-08T09:00", "America/New_York")?.toISOString()).toBe("2026-03-08T13:00:00.000Z");
    expect(parseTime("2026-03-07T09:00", "America/New_York")?.toISOString()).toBe("2026-03-07T14:00:00.000Z");
    // 02:30 doesn't exist on 8 March in New York: 03:30 EDT.
    expect(parseTime("2026-03-08T02:30", "America/New_York")?.toISOString()).toBe("2026-03-08T07:30:00.000Z");
    // 01:30 happens twice on 1 November: the first.
    expect(parseTime("2026-11-01T01:30", "America/New_York")?.toISOString()).toBe("2026-11-01T05:30:00.000Z");
    expect(parseTime("2026-03-08T09:00Z", "America/New_York")?.toISOString()).toBe(
      "2026-03-08T09:00:00.000Z",
    );
    expect(parseTime("tomorrow at 9", "UTC")).toBeUndefined();
    expect(parseTime("2026-11-31T09:00", "UTC")).toBeUndefined();
  });

  it("fires a reminder missed while no worker ran once, marked late; past the grace period it is skipped", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const now = new Date("2026-06-01T12:00:00Z");
    const late = await db.$transaction((tx) =>
      createReminder(tx, s, { at: new Date("2026-06-01T12:10:00Z"), text: "call mum" }, now),
    );
    const lost = await db.$transaction((tx) =>
      createReminder(tx, s, { at: new Date("2026-06-01T12:05:00Z"), text: "too old" }, now),
    );
    // No worker ran meanwhile; one comes back at 13:08.
    const back = new Date("2026-06-01T13:08:00Z"); // 58 and 63 minutes late
    const sent = await tick(s.identityId, back);
    expect(sent.map((f) => [f.text, f.late])).toEqual([["call mum", true]]);
    expect(await tick(s.identityId, new Date(back.getTime() + HOUR))).toEqual([]);
    const states = await db.scheduleFiring.findMany({ orderBy: { dueAt: "asc" } });
    expect(states.filter((f) => [late.id, lost.id].includes(f.scheduleId)).map((f) => f.status)).toEqual([
      "skipped",
      "sent",
    ]);
    expect((await db.schedule.findUniqueOrThrow({ where: { id: late.id } })).status).toBe("done");
  });

  it("a recurring schedule that missed several runs fires the latest once and goes on from now", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const created = new Date("2026-07-01T00:00:00Z");
    const { id } = await db.$transaction((tx) =>
      createSchedule(tx, s, { rule: "FREQ=HOURLY", text: "water" }, created),
    );
    const sent = await tick(s.identityId, new Date("2026-07-01T05:20:00Z"));
    expect(sent.map((f) => [f.dueAt.toISOString(), f.late])).toEqual([["2026-07-01T05:00:00.000Z", true]]);
    expect((await db.schedule.findUniqueOrThrow({ where: { id } })).nextRunAt?.toISOString()).toBe(
      "2026-07-01T06:00:00.000Z",
    );
  });

  it("two workers firing at the same moment send each run once", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const now = new Date("2026-08-01T00:00:00Z");
    for (let i = 0; i < 40; i++)
      await db.$transaction((tx) =>
        createReminder(tx, s, { at: new Date(now.getTime() + 60_000 + i * 1_000), text: `r${i}` }, now),
      );
    const at = new Date(now.getTime() + 2 * 60_000);
    const both = await Promise.all([tick(s.identityId, at), tick(s.identityId, at), tick(s.identityId, at)]);
    const texts = both.flat().map((f) => f.text);
    expect(texts).toHaveLength(40);
    expect(new Set(texts).size).toBe(40);
  });

  it("1,000 reminders due in the same minute all fire", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const now = new Date("2026-09-01T00:00:00Z");
    await db.schedule.createMany({
      data: Array.from({ length: 1_000 }, (_, i) => ({
        ...s,
        text: `r${i}`,
        nextRunAt: new Date(now.getTime() + 60_000 + (i % 60) * 1_000),
      })),
    });
    const sent = await tick(s.identityId, new Date(now.getTime() + 2 * 60_000));
    expect(new Set(sent.map((f) => f.text)).size).toBe(1_000);
    expect(await db.schedule.count({ where: { agentId: s.agentId, status: "active" } })).toBe(0);
  });

  it("refuses bad input with a clear error, and stopping the agent cancels its schedules", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const now = new Date("2026-10-01T00:00:00Z");
    const create = (rule: string) => db.$transaction((tx) => createSchedule(tx, s, { rule, text: "x" }, now));
    await expect(create("FREQ=MINUTELY")).rejects.toThrow("at least 15 minutes apart");
    await expect(create("FREQ=DAILY;FOO=1")).rejects.toThrow(ScheduleError);
    await expect(create("DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY")).rejects.toThrow(ScheduleError);
    await expect(
      db.$transaction((tx) => createReminder(tx, s, { at: new Date(now.getTime() - 1), text: "x" }, now)),
    ).rejects.toThrow("already passed");
    await create("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0");
    expect(await db.$transaction((tx) => describeSchedules(tx, s))).toMatch(
      /^\[\w+\] every FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0, next Mon, 5 Oct 2026, 09:00: x$/,
    );
    expect(await cancelAgentSchedules(s.agentId)).toBe(1);
    expect(await db.$transaction((tx) => describeSchedules(tx, s))).toBe("No reminders or schedules.");
    expect(await tick(s.identityId, new Date(now.getTime() + 30 * 24 * HOUR))).toEqual([]);
  });

  it("the owner cancels their agent's schedule; nobody else can", async () => {
    const { db } = database();
    const owner = await db.user.create({ data: { email: "owner@example.com" } });
    const other = await db.user.create({ data: { email: "other@example.com" } });
    const agent = await db.agent.create({ data: { name: "Mine", instructions: "", ownerId: owner.id } });
    const s = { agentId: agent.id, identityId: `identity-${agent.id}`, timeZone: "UTC" };
    const now = new Date("2026-10-01T00:00:00Z");
    const { id } = await db.$transaction((tx) =>
      createReminder(tx, s, { at: new Date(now.getTime() + 60_000), text: "x" }, now),
    );
    expect(await cancelScheduleOfOwner(other.id, id)).toBe(false);
    expect((await db.schedule.findUniqueOrThrow({ where: { id } })).status).toBe("active");
    expect(await cancelScheduleOfOwner(owner.id, id)).toBe(true);
    expect(await cancelScheduleOfOwner(owner.id, id)).toBe(false); // already ended
    expect(await tick(s.identityId, new Date(now.getTime() + 120_000))).toEqual([]);
  });

  it("prunes finished firings and ended schedules after 30 days, never an active one", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const now = new Date();
    const once = await db.$transaction((tx) =>
      createReminder(tx, s, { at: new Date(now.getTime() + 1_000), text: "once" }, now),
    );
    const daily = await db.$transaction((tx) =>
      createSchedule(tx, s, { rule: "FREQ=DAILY", text: "daily" }, now),
    );
    expect((await tick(s.identityId, new Date(now.getTime() + 30_000))).map((f) => f.text)).toEqual(["once"]);
    const later = new Date(now.getTime() + 86_400_000 + 30_000);
    expect((await tick(s.identityId, later)).map((f) => f.text)).toEqual(["daily"]);
    expect(await pruneFinished(later)).toEqual({ firings: 0, schedules: 0 });
    const muchLater = new Date(Date.now() + 31 * 86_400_000);
    const pruned = await pruneFinished(muchLater);
    expect(pruned.schedules).toBeGreaterThanOrEqual(1);
    expect(await db.schedule.findUnique({ where: { id: once.id } })).toBeNull();
    expect((await db.schedule.findUniqueOrThrow({ where: { id: daily.id } })).status).toBe("active");
    expect(await db.scheduleFiring.count({ where: { scheduleId: { in: [once.id, daily.id] } } })).toBe(0);
  });
});
