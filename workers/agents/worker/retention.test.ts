/**
 * The worker's retention pass on a real PostgreSQL, for what it tries again of the outside providers: the
 * mail inbox of a stopped agent, left by a stop that could not reach AgentMail, is deleted there and here
 * (test/fake-agentmail.ts); a live agent's inbox is kept.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { withTestDatabase } from "@/test/db";
import { startFakeAgentMail, type FakeAgentMail } from "@/test/fake-agentmail";
import { waitFor } from "@/test/wait-for";
import { startRetention } from "./retention";

const database = withTestDatabase();
let fake: FakeAgentMail;

beforeAll(async () => {
  fake = await startFakeAgentMail();
});
afterAll(() => fake.close());

describe("the retention pass", () => {
  it("deletes the mail inboxes of stopped agents that their stop left behind, and no one else's", async () => {
    const { db } = database();
    const settings = parseConfig({
      ...process.env,
      AGENTMAIL_API_KEY: fake.apiKey,
      AGENTMAIL_DOMAIN: "mail.test",
      AGENTMAIL_WEBHOOK_SECRET: `whsec_${Buffer.from("secret").toString("base64")}`,
      AGENTMAIL_BASE_URL: fake.baseUrl,
    });
    const inboxes = ["stopped@mail.test", "live@mail.test"];
    for (const [i, status] of (["stopped", "live"] as const).entries()) {
      const agent = await db.agent.create({ data: { name: `A${i}`, instructions: "", status } });
      fake.inboxes.set(inboxes[i], { clientId: `client-${i}` });
      await db.agentMailInbox.create({
        data: { agentId: agent.id, clientId: `client-${i}`, inboxId: inboxes[i], address: inboxes[i] },
      });
    }
    const retention = startRetention({ intervalMs: 60_000, settings, log: pino({ level: "silent" }) });
    try {
      await waitFor("the stopped agent's inbox deleted", async () => !fake.inboxes.has(inboxes[0]));
      await waitFor("its row gone", async () => (await db.agentMailInbox.count()) === 1);
    } finally {
      await retention.close();
    }
    expect(fake.inboxes.has(inboxes[1])).toBe(true);
    expect((await db.agentMailInbox.findMany()).map((r) => r.inboxId)).toEqual([inboxes[1]]);
  });
});
