/** The agent page's "E-mail" as the server renders it, on a real PostgreSQL. */
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/db";

const database = withTestDatabase();
const text = (html: string) => html.replaceAll("<!-- -->", "");
let EmailSection: typeof import("./email-section").EmailSection;

beforeAll(async () => {
  vi.stubEnv("AGENTMAIL_API_KEY", "am_test");
  vi.stubEnv("AGENTMAIL_DOMAIN", "mail.test");
  vi.stubEnv("AGENTMAIL_WEBHOOK_SECRET", `whsec_${Buffer.from("secret").toString("base64")}`);
  vi.resetModules(); // lib/config parses the environment once per module instance
  ({ EmailSection } = await import("./email-section"));
});
afterAll(() => vi.unstubAllEnvs());

describe("e-mail, on the agent page", () => {
  it("shows the agent's address and its mails; before its first use, how it gets one", async () => {
    const { db } = database();
    const agent = await db.agent.create({ data: { name: "Scribe", instructions: "", status: "live" } });
    const render = async () =>
      text(renderToStaticMarkup((await EmailSection({ agentId: agent.id, agentName: "Scribe" }))!));
    expect(await render()).toContain("Scribe gets an address the first time it sends or reads e-mail");

    const address = "scribe-0a1b2c@mail.test";
    await db.agentMailInbox.create({
      data: { agentId: agent.id, clientId: "convos-test", inboxId: address, address },
    });
    await db.providerUsage.create({
      data: { agentId: agent.id, provider: "agentmail", sent: 2, received: 5 },
    });
    const html = await render();
    expect(html).toContain(`Scribe&#x27;s address: <span class="font-mono">${address}</span>`);
    expect(html).toContain("Sent 2 · received 5.");
  });
});
