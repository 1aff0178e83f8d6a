/**
 * A direct add through POST /api/pool/claim against a real PostgreSQL: the answer carries the agent's inbox
 * id, its link and QR code instead of an invite; bad bodies are 400 with a clear error and claim nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/db";

const database = withTestDatabase();
const KEY = "direct-add-route-test-key-0123456789";
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  vi.stubEnv("POOL_API_KEY", KEY);
  vi.resetModules(); // lib/config parses the environment once per module instance
  ({ POST } = await import("./route"));
  await database().db.poolSetting.create({ data: { id: 1, targetIdle: 0, apiClaimsPerHour: 100 } });
});
afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(async () => {
  const { db } = database();
  await db.event.deleteMany();
  await db.identity.deleteMany();
  await db.agent.deleteMany();
  await db.identity.create({
    data: {
      status: "idle",
      inboxId: "7".repeat(64),
      conversationId: "c-1",
      inviteUrl: "https://dev.convos.org/v2?i=s1",
    },
  });
});

const claim = async (body: unknown) => {
  const response = await POST(
    new Request("http://localhost:3000/api/pool/claim", {
      method: "POST",
      headers: { "x-api-key": KEY, "x-forwarded-for": "192.0.2.9", "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("POST /api/pool/claim with directAdd", () => {
  it("answers the inbox id, its link and QR code, and no invite", async () => {
    const { status, body } = await claim({ instructions: "Helps.", directAdd: true, greeting: true });
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: "ready", joined: false, inboxId: "7".repeat(64) });
    expect(body.addLink).toBe(`convos://add?inboxId=${"7".repeat(64)}`);
    expect(String(body.addQr)).toMatch(/^data:image\/png;base64,/);
    expect(body).not.toHaveProperty("inviteUrl");
    const agent = await database().db.agent.findUniqueOrThrow({ where: { id: String(body.agentId) } });
    expect(agent).toMatchObject({ source: "direct", greeting: true });
  });

  it.each([
    [{ directAdd: "yes" }, "invalid_input", /directAdd/],
    [{ directAdd: true, adderInboxId: "me" }, "invalid_inbox_id", /64 hexadecimal characters/],
    [{ directAdd: true, adderInboxId: "7".repeat(64) }, "own_inbox", /one of our agents/],
    [{ adderInboxId: "a".repeat(64) }, "invalid_input", /only for a direct add/],
    [{ directAdd: true, joinUrl: "https://dev.convos.org/v2?i=abc" }, "invalid_input", /Choose one/],
    [{ directAdd: true, greeting: "loud" }, "invalid_input", /greeting/],
  ])("refuses %j with 400 and claims nothing", async (extra, code, message) => {
    const { status, body } = await claim({ instructions: "Helps.", ...extra });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code, message: expect.stringMatching(message) as unknown });
    const { db } = database();
    expect(await db.agent.count()).toBe(0);
    expect(await db.identity.count({ where: { status: "idle", agentId: null } })).toBe(1);
  });
});
