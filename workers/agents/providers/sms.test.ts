/**
 * SMS end to end, on a running worker with the scripted model and a loopback Telnyx: a member asks the
 * agent to text someone, the agent orders its number and the fake records the text (with the disclosure);
 * the person's reply, posted as Telnyx's signed webhook, comes into the conversation as one line.
 */
import { afterAll, describe, expect, it } from "vitest";
import { receiveTelnyxWebhook } from "@/lib/providers/telnyx/webhook";
import { inboundText, startFakeTelnyx, TelnyxSigner, telnyxSettingsFor } from "@/test/fake-telnyx";
import { ask, launchAndJoin, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { waitFor } from "@/test/wait-for";

const signer = new TelnyxSigner();
const fake = await startFakeTelnyx(["+16465550142"]);
const settings = {
  TELNYX_API_KEY: "telnyx-test-key",
  TELNYX_MESSAGING_PROFILE_ID: "profile-1",
  TELNYX_WEBHOOK_PUBLIC_KEY: signer.publicKey,
  TELNYX_BASE_URL: fake.baseUrl,
};
const run = withRunningWorker({
  idle: 1,
  prefix: "sms",
  model: { timeoutMs: 8_000, maxRetries: 0 },
  settings,
});
afterAll(() => fake.close());

describe("sms", () => {
  it("texts for a member, and the reply comes into the conversation", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Standup Host", "Host the standup.");
    run.model.script(
      {
        toolCalls: [
          { name: "sms", arguments: { to: "(212) 555-0199", text: "Standup starts in 5 minutes." } },
        ],
      },
      { text: "Texted Leo." },
    );
    expect(await ask(a.group, a.agentInbox, "Text Leo at (212) 555-0199: standup in 5")).toEqual([
      "Texted Leo.",
    ]);

    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v2/available_phone_numbers",
      "POST /v2/number_orders",
      expect.stringMatching(/^PATCH \/v2\/phone_numbers\/[^/]+\/messaging$/),
      "POST /v2/messages",
    ]);
    expect(fake.messages).toEqual([
      {
        from: "+16465550142",
        to: "+12125550199",
        text: expect.stringMatching(
          /^Standup Host, an AI agent, texting for .+ in a Convos group\. Reply STOP to opt out, HELP for help\.\n\nStandup starts in 5 minutes\.$/,
        ),
      },
    ]);

    const body = inboundText("+12125550199", "+16465550142", "On my way!\u0007");
    const request = new Request("http://localhost/api/webhooks/telnyx", {
      method: "POST",
      body,
      headers: signer.headers(body),
    });
    const response = await receiveTelnyxWebhook(request, {
      publicKey: signer.publicKey,
      telnyx: telnyxSettingsFor(fake),
      publicUrl: "http://localhost:3000",
    });
    expect(response.status).toBe(200);
    const line = "New text from +12125550199: On my way!";
    await waitFor("the reply's line", async () => (await texts(a.group)).some((m) => m.text === line));
  });
});
