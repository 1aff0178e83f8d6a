/** US numbers as people write them, the carriers' keywords, and the line an incoming text becomes. */
import { describe, expect, it } from "vitest";
import { oneLine } from "@/lib/providers/webhook";
import { incomingLine, keywordOf, usNumber } from "./phone";

describe("usNumber", () => {
  it.each([
    ["(415) 555-0134", "+14155550134"],
    ["415.555.0134", "+14155550134"],
    ["+1 415 555 0134", "+14155550134"],
    ["1-415-555-0134", "+14155550134"],
    ["787 555 0134", "+17875550134"], // Puerto Rico is the US
  ])("reads %s as %s", (input, e164) => {
    expect(usNumber(input)).toEqual({ ok: true, number: e164 });
  });

  it.each([
    ["+44 20 7946 0958", "US numbers only"],
    ["+1 416 555 0134", "outside the US"], // Toronto
    ["+1 876 555 0134", "outside the US"], // Jamaica
    ["555-0134", "10 digits"],
    ["+1 015 555 0134", "not a valid US number"],
    ["call me", "not a phone number"],
  ])("refuses %s", (input, why) => {
    const read = usNumber(input);
    expect(read.ok).toBe(false);
    expect(read.ok ? "" : read.why).toContain(why);
  });
});

describe("keywordOf", () => {
  it("knows STOP and its synonyms, START and HELP, only as the whole text", () => {
    for (const word of ["STOP", "stop", " Stop. ", "STOP ALL", "Unsubscribe", "cancel", "END", "quit"])
      expect(keywordOf(word)).toBe("stop");
    expect(keywordOf("START")).toBe("start");
    expect(keywordOf("unstop")).toBe("start");
    expect(keywordOf("help")).toBe("help");
    expect(keywordOf("please stop texting me about the standup")).toBeUndefined();
    expect(keywordOf("constructor")).toBeUndefined();
  });
});

describe("incomingLine", () => {
  it("is one short line with control and direction characters gone", () => {
    const line = incomingLine("+14155550134", "Running late\n\u202Egnp.exe\u0007 see you at 10", undefined);
    expect(line).toBe("New text from +14155550134: Running late gnp.exe see you at 10");
    expect(oneLine("x".repeat(1000), 280)).toHaveLength(280);
  });

  it("says what a STOP did", () => {
    expect(incomingLine("+14155550134", "STOP", "stop")).toContain("no more texts");
  });
});
