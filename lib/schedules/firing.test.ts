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
  cancelSchedulesOfMembers,
  createReminder,
  createSchedule,
  creatorOfTurn,
  describeSchedules,
  MAX_ACTIVE_PER_CONVERSATION,
  ScheduleError,
  scheduledTurnKey,
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
    await db.schedule.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({
        ...s,
        text: `r${i}`,
        nextRunAt: new Date(now.getTime() + 60_000 + i * 1_000),
      })),
    });
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

describe("hostile schedules", () => {
  const now = new Date("2026-11-02T09:00:00Z"); // a Monday, 09:00 in UTC (an odd hour)

  it("refuses rules that never line up or run too often, each within its deadline, with the reason", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const create = (rule: string) => db.$transaction((tx) => createSchedule(tx, s, { rule, text: "x" }, now));
    const refusals: [string, RegExp][] = [
      // rrule 2.8.1 never returns on these two (its step can't reach the filter).
      ["FREQ=SECONDLY;INTERVAL=60;BYSECOND=30", /never lands on BYSECOND=30 \(BYSECOND needs INTERVAL=1/],
      ["FREQ=HOURLY;INTERVAL=2;BYHOUR=18", /every 2 hours from 09:00:00 never lands on BYHOUR=18/],
      ["FREQ=MINUTELY;INTERVAL=30;BYMINUTE=15", /every 30 minutes from 09:00:00 never lands on BYMINUTE=15/],
      // No day ever matches: rrule would walk to the year 9999, day by day.
      ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", /never runs: no month of BYMONTH=2 has those days/],
      // Only the rule thread's deadline stops this one.
      ["FREQ=DAILY;BYYEARDAY=366;BYMONTH=1", /takes too long to compute/],
      // Too close together, beyond the first three runs too.
      ["FREQ=HOURLY;BYMINUTE=0,15,30,31,32", /at least 15 minutes apart/],
      ["FREQ=MONTHLY;BYMONTHDAY=1,-1;BYHOUR=0,23;BYMINUTE=0,55", /at least 15 minutes apart/],
      ["FREQ=MINUTELY", /at least 15 minutes apart/],
      ["FREQ=HOURLY;BYHOUR=99", /BYHOUR=99 is out of range/],
      ["FREQ=DAILY;INTERVAL=100000", /INTERVAL must be between/],
      ["FREQ=YEARLY;UNTIL=20000101T000000Z", /never runs/],
    ];
    await create("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"); // the rule thread is up
    for (const [rule, reason] of refusals) {
      const started = performance.now();
      await expect(create(rule), rule).rejects.toThrow(reason);
      // The deadline is 1 s; a thread started again after one is stopped gets 2 s more to load.
      expect([rule, performance.now() - started < 3_500]).toEqual([rule, true]);
    }
    // Rules that line up still work, right after the ones that timed out.
    await create("FREQ=HOURLY;INTERVAL=2;BYHOUR=17;BYMINUTE=0");
    await create("FREQ=MINUTELY;INTERVAL=15");
    await create("FREQ=SECONDLY;INTERVAL=900");
    expect(await db.schedule.count({ where: { agentId: s.agentId, status: "active" } })).toBe(4);
  });

  it("a start must lie within a day of now: the year 1000 is refused", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const create = (start: Date) =>
      db.$transaction((tx) => createSchedule(tx, s, { rule: "FREQ=DAILY", text: "x", start }, now));
    await expect(create(new Date("1000-01-01T09:00:00Z"))).rejects.toThrow("within a day of now");
    await expect(create(new Date(now.getTime() + 2 * 86_400_000))).rejects.toThrow("within a day of now");
    await create(new Date(now.getTime() + 3_600_000));
  });

  it("a prompt reminder must be at least 2 minutes ahead; a post reminder may be sooner", async () => {
    const s = await scope("UTC");
    const { db } = database();
    const remind = (inMs: number, mode: "post" | "prompt") =>
      db.$transaction((tx) =>
        createReminder(tx, s, { at: new Date(now.getTime() + inMs), text: "x", mode }, now),
      );
    await expect(remind(1_000, "prompt")).rejects.toThrow("at least 2 minutes ahead");
    await expect(remind(119_000, "prompt")).rejects.toThrow(ScheduleError);
    await remind(1_000, "post");
    await remind(120_000, "prompt");
  });

  it(`one conversation holds at most ${MAX_ACTIVE_PER_CONVERSATION}; the agent's other conversations keep their room`, async () => {
    const s = await scope("UTC");
    const { db } = database();
    const other = { ...s, identityId: `${s.identityId}-other` };
    const remind = (sc: typeof s, i: number) =>
      db.$transaction((tx) =>
        createReminder(tx, sc, { at: new Date(now.getTime() + 60_000 * (i + 1)), text: `r${i}` }, now),
      );
    for (let i = 0; i < MAX_ACTIVE_PER_CONVERSATION; i++) await remind(s, i);
    await expect(remind(s, 99)).rejects.toThrow(
      `this conversation already has ${MAX_ACTIVE_PER_CONVERSATION} active reminders`,
    );
    await expect(
      db.$transaction((tx) => createSchedule(tx, s, { rule: "FREQ=DAILY", text: "x" }, now)),
    ).rejects.toThrow("this conversation already has");
    await remind(other, 0);
    expect(await db.schedule.count({ where: { identityId: other.identityId } })).toBe(1);
  });

  it("a stored rule that runs too often fires at most once per 15 minutes", async () => {
    const s = await scope("UTC");
    const { db } = database();
    // As a rule stored before the spacing was checked over a whole window would be.
    const { id } = await db.schedule.create({
      data: { ...s, rule: "DTSTART:20261102T090000\nRRULE:FREQ=MINUTELY", text: "spam", nextRunAt: now },
    });
    const sent: string[] = [];
    for (let m = 0; m <= 40; m++)
      for (const f of await tick(s.identityId, new Date(now.getTime() + m * 60_000)))
        sent.push(f.dueAt.toISOString().slice(11, 16));
    expect(sent).toEqual(["09:00", "09:15", "09:30"]);
    expect(await db.scheduleFiring.count({ where: { scheduleId: id, status: "skipped" } })).toBe(38);
  });

  it("when a member leaves, what they asked for in that conversation is cancelled, nobody else's", async () => {
    const s = await scope("UTC");
    const { db } = database();
    await db.identity.create({
      data: { id: s.identityId, agentId: s.agentId, conversationId: "conv-leave" },
    });
    const elsewhere = { ...s, identityId: `${s.identityId}-elsewhere` };
    await db.identity.create({
      data: { id: elsewhere.identityId, agentId: s.agentId, conversationId: "conv-other" },
    });
    const remind = (sc: typeof s, createdBy: string) =>
      db.$transaction((tx) =>
        createReminder(tx, sc, { at: new Date(now.getTime() + 60_000), text: createdBy, createdBy }, now),
      );
    const bob = await remind(s, "bob");
    const bobDaily = await db.$transaction((tx) =>
      createSchedule(tx, s, { rule: "FREQ=DAILY", text: "bob daily", createdBy: "bob" }, now),
    );
    const alice = await remind(s, "alice");
    const bobElsewhere = await remind(elsewhere, "bob");
    // What a turn of bob's daily schedule sets up is bob's too; a member's message is theirs.
    const turn = { id: scheduledTurnKey({ scheduleId: bobDaily.id, dueAt: now }), senderInboxId: "" };
    expect(await db.$transaction((tx) => creatorOfTurn(tx, turn))).toBe("bob");
    expect(await db.$transaction((tx) => creatorOfTurn(tx, { id: "m1", senderInboxId: "carol" }))).toBe(
      "carol",
    );
    expect(await cancelSchedulesOfMembers("conv-leave", ["bob"])).toBe(2);
    const status = async (id: string) => (await db.schedule.findUniqueOrThrow({ where: { id } })).status;
    expect(await status(bob.id)).toBe("cancelled");
    expect(await status(bobDaily.id)).toBe("cancelled");
    expect(await status(alice.id)).toBe("active");
    expect(await status(bobElsewhere.id)).toBe("active");
    expect((await tick(s.identityId, new Date(now.getTime() + 120_000))).map((f) => f.text)).toEqual([
      "alice",
    ]);
  });
});
