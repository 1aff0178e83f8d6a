/** Who an agent may e-mail: addresses members wrote, or an operator confirmed; never ones only the agent wrote. */
import { describe, expect, it } from "vitest";
import { addressesIn, confirmationPhrase, unconfirmedRecipients } from "./recipients";

const AGENT = "a".repeat(64);
const OPERATOR = "b".repeat(64);
const MEMBER = "c".repeat(64);
const o = { ownInboxId: AGENT, operators: [OPERATOR], conversationId: "conv-1" };

describe("recipients", () => {
  it("finds addresses in a member's words, in lower case, without punctuation or mailto:", () => {
    expect(addressesIn("Mail Sam@Example.com, and <mailto:ann@x.org>. Not @me or a@b nor x@y.z!")).toEqual([
      "sam@example.com",
      "ann@x.org",
    ]);
    expect(addressesIn(`${"x".repeat(400)}@example.com`)).toEqual([]);
  });

  it("lets through what a member wrote, and nothing only the agent (the model) wrote", () => {
    const chat = [
      { senderInboxId: MEMBER, text: "send it to sam@example.com please" },
      { senderInboxId: AGENT, text: "Shall I also write to eve@evil.example?" },
    ];
    expect(unconfirmedRecipients(["sam@example.com", "eve@evil.example"], chat, o)).toEqual([
      "eve@evil.example",
    ]);
  });

  it("takes an operator's confirmation phrase for that address in that conversation only", () => {
    const phrase = confirmationPhrase("conv-1", "boss@corp.example");
    expect(phrase).toMatch(/^confirm email [0-9a-f]{6}$/);
    const by = (senderInboxId: string, text: string) => [{ senderInboxId, text }];
    expect(
      unconfirmedRecipients(["boss@corp.example"], by(OPERATOR, `OK, ${phrase.toUpperCase()}`), o),
    ).toEqual([]);
    // Not from a member who isn't an operator, nor the agent, nor for another address or conversation.
    expect(unconfirmedRecipients(["boss@corp.example"], by(MEMBER, phrase), o)).toHaveLength(1);
    expect(unconfirmedRecipients(["boss@corp.example"], by(AGENT, phrase), o)).toHaveLength(1);
    expect(unconfirmedRecipients(["eve@evil.example"], by(OPERATOR, phrase), o)).toHaveLength(1);
    expect(
      unconfirmedRecipients(["boss@corp.example"], by(OPERATOR, phrase), { ...o, conversationId: "conv-2" }),
    ).toHaveLength(1);
  });
});
