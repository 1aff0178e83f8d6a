import { setImmediate as settled } from "node:timers/promises";
import pino from "pino";
import { expect, it } from "vitest";
import { StopRequests } from "./stop-requests";

/** Stop requests whose wind-downs end when the test says so, and whose database says `stopped`. */
function harness(stopped: string[]) {
  const windDowns: { agentId: string; end: () => void }[] = [];
  const stops = new StopRequests({
    stopAgent: (agentId) => new Promise<void>((end) => windDowns.push({ agentId, end })),
    stoppedAmongRunning: async () => stopped,
    track: () => undefined,
    log: pino({ level: "silent" }),
  });
  return { stops, windDowns };
}

it("winds an agent down once while its wind-down is under way, whether by NOTIFY or by the heartbeat's check", async () => {
  const { stops, windDowns } = harness(["a1", "a2"]);
  stops.request("a1");
  await stops.check();
  expect(windDowns.map((w) => w.agentId)).toEqual(["a1", "a2"]);
  stops.request("a2");
  expect(windDowns).toHaveLength(2);
  windDowns[0].end();
  await settled();
  stops.request("a1"); // its wind-down ended: a stop seen again is carried out again
  expect(windDowns.map((w) => w.agentId)).toEqual(["a1", "a2", "a1"]);
});

it("starts no wind-down once closed", async () => {
  const { stops, windDowns } = harness(["a1"]);
  stops.close();
  stops.request("a2");
  await stops.check();
  expect(windDowns).toEqual([]);
});
