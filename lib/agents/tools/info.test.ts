/** The catalog's badges: an outside provider's tool (e-mail, SMS) shows only where the server can offer it. */
import { describe, expect, it } from "vitest";
import { toolBadges } from "./info";

const email = { apiKey: "am_test", domain: "mail.test", baseUrl: "http://127.0.0.1:9/v0", sendsPerHour: 20 };
const telnyx = {
  apiKey: "KEY_test",
  messagingProfileId: "mp-1",
  baseUrl: "http://127.0.0.1:9/v2",
  sendsPerHour: 20,
};

describe("toolBadges", () => {
  it("shows E-mail only when e-mail is configured, and web search either way", () => {
    const names = ["reply", "web_search", "email", "email_inbox"];
    expect(toolBadges(names, {})).toEqual(["Replies", "Web search"]);
    expect(toolBadges(names, { email })).toEqual(["Replies", "Web search", "E-mail"]);
  });

  it("shows SMS only when Telnyx is configured", () => {
    expect(toolBadges(["reply", "sms"], {})).toEqual(["Replies"]);
    expect(toolBadges(["reply", "sms"], { telnyx })).toEqual(["Replies", "SMS"]);
  });
});
