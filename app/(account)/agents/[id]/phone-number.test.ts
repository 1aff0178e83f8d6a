/** The agent page's "Text messages" as the server renders it, on a real PostgreSQL. */
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/db";
import { TelnyxSigner } from "@/test/fake-telnyx";

const database = withTestDatabase();
const text = (html: string) => html.replaceAll("<!-- -->", "");
let PhoneNumberSection: typeof import("./phone-number").PhoneNumberSection;

beforeAll(async () => {
  vi.stubEnv("TELNYX_API_KEY", "telnyx-test-key");
  vi.stubEnv("TELNYX_MESSAGING_PROFILE_ID", "profile-1");
  vi.stubEnv("TELNYX_WEBHOOK_PUBLIC_KEY", new TelnyxSigner().publicKey);
  vi.resetModules(); // lib/config parses the environment once per module instance
  ({ PhoneNumberSection } = await import("./phone-number"));
});
afterAll(() => vi.unstubAllEnvs());

describe("text messages, on the agent page", () => {
  it("shows the agent's number, its texts and who opted out; before its first text, how it gets one", async () => {
    const { db } = database();
    const agent = await db.agent.create({ data: { name: "Penny", instructions: "", status: "live" } });
    const render = async () =>
      text(renderToStaticMarkup(await PhoneNumberSection({ agentId: agent.id, agentName: "Penny" })));
    expect(await render()).toContain("Penny gets a number the first time someone asks it to send a text");

    const number = "+14155550134";
    await db.phoneNumber.create({ data: { number, telnyxId: "tn-1", agentId: agent.id } });
    await db.smsContact.createMany({
      data: [
        { agentId: agent.id, number, peer: "+12125550101" },
        { agentId: agent.id, number, peer: "+12125550102" },
      ],
    });
    await db.smsOptOut.create({ data: { number, peer: "+12125550102", agentId: agent.id } });
    await db.providerUsage.create({ data: { agentId: agent.id, provider: "telnyx", sent: 3, received: 1 } });

    const html = await render();
    expect(html).toContain('Penny texts from <span class="font-mono">+1 (415) 555-0134</span>');
    expect(html).toContain(
      "Sent 3 · received 1 · texted 2 people, 1 of whom replied STOP and get no more texts.",
    );
  });
});
