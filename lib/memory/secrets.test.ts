/** The patterns memory refuses before storing anything: passwords, card numbers (Luhn), one-time codes, keys. */
import { describe, expect, it } from "vitest";
import { luhnValid, refusalLine, secretIn } from "./secrets";

describe("secrets memory refuses", () => {
  it.each([
    ["my password is hunter2", "password"],
    ["Wifi passphrase: correct horse", "password"],
    ["Sam's card is 4111 1111 1111 1111", "card number"],
    ["pay with 5500-0000-0000-0004", "card number"],
    ["4012888888881881 is the company card", "card number"],
    ["the verification code is 482913", "one-time code"],
    ["OTP 1234", "one-time code"],
    ["my 2FA code: 99887766", "one-time code"],
    ["door PIN 4821", "one-time code"],
    ["the api key is abc", "key"],
    ["use sk-abcdefghijklmnopqrstuvwx", "key"],
  ])("%j is a %s", (text, kind) => {
    expect(secretIn(text)).toBe(kind);
  });

  it.each([
    "Sam is vegetarian",
    "the trip is 12–19 March",
    "Ana's birthday is 1990-04-12",
    "we meet at 19:30 on Fridays",
    "the budget is 1500 euros",
    "call the hotel at +33 1 23 45 67 89", // 11 digits: too short for a card
    "order number 4111 1111 1111 1112", // fails the Luhn check
  ])("%j may be kept", (text) => {
    expect(secretIn(text)).toBeUndefined();
  });

  it("the Luhn check", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
    expect(luhnValid("")).toBe(false);
  });

  it("the refusal is one line", () => {
    expect(refusalLine("password")).not.toContain("\n");
  });
});
