/**
 * Provider events through a running worker: a recorded event's line reaches the agent's owner
 * conversation once, as one clean line, even when the webhook delivers it twice; the line is cut and
 * stripped of control characters before it goes out.
 */
import { describe, expect, it } from "vitest";
import { recordProviderEvent } from "@/lib/providers/events";
import { launchAndJoin, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { waitFor } from "@/test/wait-for";
import { eventLine, PROVIDER_LINE_MAX_CHARS } from "./provider-events";

const run = withRunningWorker({ idle: 1, prefix: "provider-events" });

describe("provider events", () => {
  it("posts an event's line into the owner conversation once", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Mailer", "Help.");
    const event = {
      provider: "agentmail",
      eventId: "svix-1",
      kind: "message.received",
      agentId: a.agentId,
      payload: { line: "New e-mail from sam@example.com:\u0007 Trip\nplans" },
    };
    expect(await recordProviderEvent(event)).toBe(true);
    expect(await recordProviderEvent(event)).toBe(false); // the webhook's retry
    const line = "New e-mail from sam@example.com: Trip plans";
    await waitFor("the line", async () => (await texts(a.group)).some((m) => m.text === line));
    await waitFor("the event done", async () => (await run.db.providerEvent.findFirst())?.doneAt);
    // A later event posts after it: the first was posted once, not again.
    await recordProviderEvent({ ...event, eventId: "svix-2", payload: { line: "New e-mail: second" } });
    await waitFor("the second line", async () =>
      (await texts(a.group)).some((m) => m.text === "New e-mail: second"),
    );
    expect((await texts(a.group)).filter((m) => m.text === line)).toHaveLength(1);
  });
});

describe("eventLine", () => {
  it("cuts a long line and refuses a payload without one", () => {
    expect(eventLine({ payload: { line: "x".repeat(1000) } })).toHaveLength(PROVIDER_LINE_MAX_CHARS);
    expect(eventLine({ payload: {} })).toBeUndefined();
    expect(eventLine({ payload: { line: " \n\t " } })).toBeUndefined();
  });
});
