/**
 * Verified agents, checked by the official Convos CLI (a client that is not ours): it joins a live agent's
 * conversation, reads the agent's profile, and `convos attestation verify` checks the attestation against
 * our JWKS route served on a loopback port. Then the worker's clock moves 13 hours forward: the worker
 * renews the attestation, and the old one would have been rejected at 25 hours.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAttestationWithJwks } from "@xmtp/convos-cli/utils/attestation";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { generateAttestationKey } from "@/lib/attestation/keys";
import { GET as jwksRoute } from "@/app/.well-known/agents.json/route";
import { withRunningWorker } from "@/test/worker";
import { tempDir, waitFor } from "@/test/convos";
import { convos } from "@/test/convos-cli";

const HOUR = 60 * 60 * 1000;
const KEY = generateAttestationKey();
const KID = "attestation-test";
// The JWKS route reads the settings from the environment, as the web app does; the worker gets the same.
const ENV = { ATTESTATION_PRIVATE_KEY: KEY.privateKeyPem, ATTESTATION_KID: KID };
const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
Object.assign(process.env, ENV);

/** The worker's clock, moved by the test. */
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

const run = withRunningWorker({
  idle: 1,
  prefix: "attestation",
  model: { timeoutMs: 8_000, maxRetries: 0 },
  options: { clock, attestationTickMs: 300 },
});

const home = tempDir("attestation-cli-");
let jwks: Server;
let jwksUrl = "";

/** Runs the Convos CLI as this file's install; its JSON output. */
const cli = (...args: string[]) => convos<Record<string, unknown>>(home.dir, ...args);

interface CliAttestation {
  attestation: string;
  attestation_ts: string;
  attestation_kid: string;
  /** The profile's name, beside its attestation. */
  name?: string;
}

/** `convos attestation verify` of `a` for `inboxId`, against our JWKS URL. */
const cliVerifies = (inboxId: string, a: CliAttestation) =>
  cli(
    "attestation",
    "verify",
    inboxId,
    ...["--attestation", a.attestation, "--attestation-ts", a.attestation_ts],
    ...["--attestation-kid", a.attestation_kid, "--jwks-url", jwksUrl],
  );

/** The agent's attestation as the CLI reads the agent's profile in the conversation. */
async function agentAttestation(conversationId: string, inboxId: string): Promise<CliAttestation | null> {
  const out = await cli("conversation", "profiles", conversationId);
  const profiles = out.profiles as {
    inboxId: string;
    name: string | null;
    metadata?: Record<string, { value: string }>;
  }[];
  const profile = profiles.find((p) => p.inboxId === inboxId);
  const m = profile?.metadata;
  if (!m?.attestation) return null;
  return {
    attestation: m.attestation.value,
    attestation_ts: m.attestation_ts.value,
    attestation_kid: m.attestation_kid.value,
    name: profile?.name ?? undefined,
  };
}

beforeAll(async () => {
  jwks = createServer((req, res) => {
    if (req.url !== "/.well-known/agents.json") return void res.writeHead(404).end();
    const answer = jwksRoute();
    void answer.text().then((body) => {
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/agents.json`;
});

afterAll(async () => {
  await new Promise((resolve) => jwks?.close(resolve));
  home.remove();
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

describe("verified agents", () => {
  let conversationId = "";
  let inboxId = "";
  let identityId = "";
  let first: CliAttestation | null = null;

  it("the official CLI verifies a live agent's attestation against our JWKS URL", async () => {
    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: "Vera",
      instructions: "Help.",
    });
    identityId = claim.identityId;
    await waitFor(
      "the agent live",
      async () => (await run.db.identity.findUniqueOrThrow({ where: { id: identityId } })).status === "live",
      30_000,
    );
    inboxId = (await run.db.identity.findUniqueOrThrow({ where: { id: identityId } })).inboxId ?? "";
    const joined = await cli("conversations", "join", claim.inviteUrl, "--timeout", "60");
    expect(joined.status).toBe("joined");
    conversationId = joined.conversationId as string;

    first = await agentAttestation(conversationId, inboxId);
    expect(first, "the agent's profile carries an attestation").not.toBeNull();
    if (!first) return;
    expect(first.attestation_kid).toBe(KID);
    const verdict = await cliVerifies(inboxId, first);
    expect(verdict).toMatchObject({ inboxId, kid: KID, verified: true, reason: null });
    // The CLI's verifier says no to the same attestation under another inbox id: the signature binds the inbox.
    const forged = await cliVerifies(
      inboxId.replace(/^./, (c) => (c === "a" ? "b" : "a")),
      first,
    );
    expect(forged.verified).toBe(false);
  });

  it("set_profile publishes the new name with a fresh attestation", async () => {
    if (!first) throw new Error("the first test found no attestation");
    const before = new Date(first.attestation_ts).getTime();
    run.model.script({ toolCalls: [{ name: "set_profile", arguments: { name: "Nova" } }] });
    await cli("conversation", "send-text", conversationId, "call yourself Nova");
    await waitFor(
      "the new name recorded",
      async () =>
        (await run.db.identity.findUniqueOrThrow({ where: { id: identityId } })).profileName === "Nova",
      30_000,
    );
    const named = await agentAttestation(conversationId, inboxId);
    expect(named?.name).toBe("Nova");
    expect(new Date(named?.attestation_ts ?? 0).getTime()).toBeGreaterThan(before);
    const jwksDoc = await (await fetch(jwksUrl)).json();
    const a = named as CliAttestation;
    const signed = { signature: a.attestation, timestamp: a.attestation_ts, kid: a.attestation_kid };
    expect(verifyAttestationWithJwks(inboxId, signed, jwksDoc)).toEqual({ valid: true });
  });

  it("with the clock 13 h forward the attestation is renewed; the old one is rejected at 25 h", async () => {
    if (!first) throw new Error("the first test found no attestation");
    const jwksDoc = await (await fetch(jwksUrl)).json();
    const launchedAt = new Date(first.attestation_ts).getTime();
    offsetMs = 13 * HOUR;
    await waitFor(
      "the renewed attestation recorded",
      async () => {
        const row = await run.db.identity.findUniqueOrThrow({ where: { id: identityId } });
        return row.attestedAt !== null && row.attestedAt.getTime() >= launchedAt + 13 * HOUR;
      },
      20_000,
    );
    const renewed = await agentAttestation(conversationId, inboxId);
    if (!renewed) throw new Error("the renewed profile carries no attestation");
    expect(new Date(renewed.attestation_ts).getTime()).toBeGreaterThanOrEqual(launchedAt + 13 * HOUR);
    const at25h = new Date(launchedAt + 25 * HOUR);
    const verifyAt25h = (a: CliAttestation) =>
      verifyAttestationWithJwks(
        inboxId,
        { signature: a.attestation, timestamp: a.attestation_ts, kid: a.attestation_kid },
        jwksDoc,
        undefined,
        at25h,
      );
    expect(verifyAt25h(first)).toMatchObject({ valid: false, reason: expect.stringMatching(/too old/) });
    expect(verifyAt25h(renewed)).toEqual({ valid: true });
    expect(renewed.name).toBe("Nova"); // the name set_profile chose, not the agent's
  });

  it("a worker restarted past the renewal age renews at once, not on its next pass", async () => {
    await run.closeAll();
    offsetMs = 26 * HOUR; // 13 h after the last renewal: past every identity's renewal age
    const restartedAt = clock().getTime();
    // Passes a minute apart: only the agent going live makes this one renew within the wait.
    await run.start({ attestationTickMs: 60_000 });
    await waitFor(
      "the attestation renewed after the restart",
      async () => {
        const row = await run.db.identity.findUniqueOrThrow({ where: { id: identityId } });
        return row.attestedAt !== null && row.attestedAt.getTime() >= restartedAt;
      },
      30_000,
    );
    const renewed = await agentAttestation(conversationId, inboxId);
    expect(renewed && new Date(renewed.attestation_ts).getTime()).toBeGreaterThanOrEqual(restartedAt);
    // This run never saw set_profile: the name comes from the database.
    expect(renewed?.name).toBe("Nova");
  });
});
