import { setImmediate as settled } from "node:timers/promises";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { WorkItem } from "@/lib/identities";
import { RunningSet } from "./running-set";

/** A promise the test resolves when it chooses. */
interface Later {
  promise: Promise<void>;
  resolve(): void;
}
function later(): Later {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}

/** A runtime as the set sees one: it closes when the test says so. */
class Runtime {
  readonly closing = later();
  closes = 0;
  close() {
    this.closes++;
    return this.closing.promise;
  }
}

/** A running set whose handoffs, lease releases and in-flight work the test sees and steers. */
function harness() {
  const handoffs: { item: WorkItem; leased: boolean; done: Later }[] = [];
  const released: string[][] = [];
  const lost: string[] = [];
  let failReleases = false;
  const set = new RunningSet<Runtime>({
    handOff: (item, leased) => {
      const done = later();
      handoffs.push({ item, leased, done });
      return done.promise;
    },
    releaseLeases: async (ids) => {
      if (failReleases) throw new Error("database away");
      released.push(ids);
    },
    track: () => undefined,
    onLeaseLost: (identityId) => lost.push(identityId),
    log: pino({ level: "silent" }),
  });
  /** Ends the last handoff of `identityId`, with a runtime running (as goLive leaves it) or without. */
  const finishHandoff = async (identityId: string, runtime?: Runtime) => {
    const h = handoffs.findLast((x) => x.item.identityId === identityId);
    if (!h) throw new Error(`no handoff of ${identityId}`);
    if (runtime) set.runtimes.set(identityId, runtime);
    h.done.resolve();
    await settled();
  };
  const failReleasing = (fail: boolean) => (failReleases = fail);
  return { set, handoffs, released, lost, finishHandoff, failReleasing };
}

const item = (identityId: string): WorkItem => ({ agentId: `agent-${identityId}`, identityId });

/** Puts runtimes in the set as finished handoffs do. */
async function running(h: ReturnType<typeof harness>, ...ids: string[]): Promise<Runtime[]> {
  const runtimes: Runtime[] = [];
  for (const id of ids) {
    h.set.dispatch(item(id));
    const runtime = new Runtime();
    await h.finishHandoff(id, runtime);
    runtimes.push(runtime);
  }
  return runtimes;
}

describe("RunningSet handoffs", () => {
  it("hands an identity over once while its handoff is under way, and not again while it runs", async () => {
    const h = harness();
    h.set.dispatch(item("i1"));
    h.set.dispatch(item("i1"));
    expect(h.handoffs).toHaveLength(1);
    await h.finishHandoff("i1", new Runtime());
    h.set.dispatch(item("i1"));
    expect(h.handoffs).toHaveLength(1);
    expect(h.set.ids()).toEqual(["i1"]);
    expect(h.released).toEqual([]);
  });

  it("says whether it takes an item, so a poll that took the leases first knows which to release", async () => {
    const h = harness();
    expect(h.set.accepts(item("i1"))).toBe(true);
    expect(h.set.dispatch(item("i1"), { leased: true })).toBe(true);
    expect(h.handoffs.map((x) => x.leased)).toEqual([true]);
    expect(h.set.accepts(item("i1"))).toBe(false); // under way
    expect(h.set.dispatch(item("i1"), { leased: true })).toBe(false);
    expect(h.set.dispatch(item("i2"))).toBe(true);
    expect(h.handoffs.map((x) => x.leased)).toEqual([true, false]);
    h.set.setDraining(true);
    expect(h.set.accepts(item("i3"))).toBe(false);
    expect(h.set.dispatch(item("i3"), { leased: true })).toBe(false);
    expect(h.handoffs).toHaveLength(2);
  });

  it("releases the lease of a handoff that ended without a runtime, again at renewals until it is released", async () => {
    const h = harness();
    h.failReleasing(true);
    h.set.dispatch(item("i1"));
    await h.finishHandoff("i1");
    expect(h.released).toEqual([]);
    h.failReleasing(false);
    h.set.leasesRenewed(new Set(["i1"]));
    await settled();
    expect(h.released).toEqual([["i1"]]);
    h.set.leasesRenewed(new Set());
    await settled();
    expect(h.released).toEqual([["i1"]]);
    // A handoff later is not held back by the old orphan.
    h.set.dispatch(item("i1"));
    expect(h.handoffs).toHaveLength(2);
  });
});

describe("RunningSet lease loss, drain and close", () => {
  it("closes a runtime whose lease was lost and hands it over again only once it is closed", async () => {
    const h = harness();
    const [r1, r2] = await running(h, "i1", "i2");
    h.set.leasesRenewed(new Set(["i2"]));
    expect(r1.closes).toBe(1);
    expect(r2.closes).toBe(0);
    expect(h.lost).toEqual(["i1"]);
    expect(h.set.ids()).toEqual(["i2"]);
    // The poll finds it unowned now, but its client is still closing: no second client may open.
    h.set.dispatch(item("i1"));
    expect(h.handoffs).toHaveLength(2);
    r1.closing.resolve();
    await settled();
    h.set.dispatch(item("i1"));
    expect(h.handoffs).toHaveLength(3);
  });

  it("hands the agents back one at a time while draining, and stops when the drain ends", async () => {
    const h = harness();
    const [r1, r2, r3] = await running(h, "i1", "i2", "i3");
    h.set.setDraining(true);
    h.set.setDraining(true); // the next heartbeat: still one pass
    await settled();
    expect([r1.closes, r2.closes, r3.closes]).toEqual([1, 0, 0]);
    expect(h.released).toEqual([]);
    h.set.dispatch(item("new"));
    expect(h.handoffs).toHaveLength(3);

    r1.closing.resolve();
    await settled();
    expect(h.released).toEqual([["i1"]]);
    expect([r2.closes, r3.closes]).toEqual([1, 0]);

    h.set.setDraining(false);
    r2.closing.resolve();
    await settled();
    expect(h.released).toEqual([["i1"], ["i2"]]);
    expect(r3.closes).toBe(0);
    expect(h.set.ids()).toEqual(["i3"]);
  });

  it("closes every runtime on close, those started meanwhile at the second call, and takes no more work", async () => {
    const h = harness();
    const [r1, r2] = await running(h, "i1", "i2");
    h.set.dispatch(item("i3"));
    const closing = h.set.close();
    expect([r1.closes, r2.closes]).toEqual([1, 1]);
    r1.closing.resolve();
    r2.closing.resolve();
    await closing;
    expect(h.set.ids()).toEqual([]);

    h.set.dispatch(item("i4"));
    expect(h.handoffs.map((x) => x.item.identityId)).toEqual(["i1", "i2", "i3"]);
    const r3 = new Runtime();
    await h.finishHandoff("i3", r3); // a handoff in flight finished during the grace period
    r3.closing.resolve();
    await h.set.close();
    expect(r3.closes).toBe(1);
    expect(h.set.ids()).toEqual([]);
    h.set.setDraining(true);
    expect(h.released).toEqual([]);
  });
});
