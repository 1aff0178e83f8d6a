/**
 * A handoff step that hangs (the XMTP node stops answering without failing:
 * a wedged network) is given up after the worker's step deadline: the failure
 * is recorded, the lease released and the handoff retried with backoff, and
 * once the network answers again the agent goes live and greets its first
 * member. Before the deadline existed the handoff waited forever while the
 * heartbeat renewed its lease, and the agent stayed dark.
 *
 * The file owns its XMTP node (port 0) behind a freezable TCP proxy, and points
 * this process's `local` environment at the proxy: freezing it never disturbs
 * the shared node that other test files use.
 */
import path from "node:path";
import pino from "pino";
import { ApiUrls } from "@xmtp/node-sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { pointLocalEnvAt } from "@/lib/xmtp";
import { startXmtpNode, type XmtpNode } from "@/workers/xmtp-node/server";
import { joinByInvite, newIdentity, tempDir, waitFor } from "@/test/convos";
import { startFreezableProxy, type FreezableProxy } from "@/test/freezable-proxy";
import { withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";

// Long enough for a real step on a loaded machine (npm test runs two xmtp files beside the unit tier and
// the e2e stack): at 2 s the steps after the thaw were given up too, and the agent never went live.
const STEP_MS = 4_000;
const nodeDir = tempDir("handoff-deadline-node-");
const originalLocal = ApiUrls.local;
let node: XmtpNode;
let proxy: FreezableProxy;

// Registered before withRunningWorker's hooks: the node and the proxy are up before its worker starts.
beforeAll(async () => {
  node = await startXmtpNode({
    port: 0,
    dataDir: path.join(nodeDir.dir, "node"),
    log: pino({ level: "silent" }),
  });
  proxy = await startFreezableProxy(node.port);
  pointLocalEnvAt(proxy.url);
});
afterAll(async () => {
  await proxy.close();
  await node.stop();
  pointLocalEnvAt(originalLocal);
  nodeDir.remove();
});

const run = withRunningWorker({ idle: 1, prefix: "handoff-deadline", options: { handoffStepMs: STEP_MS } });

it("a handoff step that hangs is given up at its deadline and retried; the agent goes live once XMTP answers", async () => {
  proxy.freeze();
  const claim = await claimWarmIdentity({
    ownerId: null,
    templateId: null,
    name: "Patient",
    instructions: "Waits.",
  });
  const failures = () =>
    run.db.event.findMany({
      where: { kind: "failure", identityId: claim.identityId },
      orderBy: { id: "asc" },
    });

  // Given up after the deadline, and retried (the lease was released, not held by a hung handoff).
  const given = await waitFor(
    "two handoffs given up",
    async () => ((await failures()).length >= 2 ? failures() : null),
    30_000,
  );
  for (const f of given) expect(f.error).toMatch(new RegExp(`took longer than ${STEP_MS} ms`));
  const identity = await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } });
  expect(identity.lastError).toMatch(/DeadlineExceeded/);
  expect((await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).status).toBe("ready");

  proxy.thaw();
  const member = await newIdentity(run.tmp.dir);
  const joined = await joinByInvite(member, claim.inviteUrl);
  expect(joined.status).toBe("joined");
  if (joined.status !== "joined") return;
  await waitFor(
    "the greeting",
    async () => (await texts(joined.group)).some((m) => m.text.startsWith("Hi, I'm Patient")),
    45_000,
  );
  // A runtime that came up after its step was given up may greet (the greeting is recorded once) but is
  // stopped at once; the retry is what stays.
  await waitFor(
    "the agent live",
    async () => (await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).status === "live",
  );
  expect(run.worker?.running()).toEqual([claim.identityId]);
  const greetings = (await texts(joined.group)).filter((m) => m.text.startsWith("Hi, I'm Patient"));
  expect(greetings).toHaveLength(1);
});
