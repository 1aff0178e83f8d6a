// convos.org/thinking:1.0 against the official CLI's codec (@xmtp/convos-cli 0.10.15, utils/thinking.js): each
// side decodes what the other encodes; silent with no fallback; hostile bodies are refused.
import { describe, expect, it } from "vitest";
import { contentTypeToString } from "@xmtp/content-type-primitives";
import { ThinkingCodec as CliThinkingCodec } from "@xmtp/convos-cli";
import { utf8 } from "@/lib/convos/bytes";
import { ConvosError } from "@/lib/convos/errors";
import { convosCodecs, thinkingCodec, type Thinking } from "@/lib/convos/codecs";

const cli = new CliThinkingCodec();
const body = (o: unknown) => ({
  type: thinkingCodec.contentType,
  parameters: {},
  content: utf8.encode(typeof o === "string" ? o : JSON.stringify(o)),
});

const start: Thinking = { state: "start", targetMessageId: "a1b2", content: "Thinking about your message" };
const stop: Thinking = { ...start, state: "stop", resultMessageId: "c3d4" };

describe("thinking", () => {
  it("is convos.org/thinking:1.0, registered with the other Convos codecs, silent, without fallback", () => {
    expect(contentTypeToString(thinkingCodec.contentType)).toBe("convos.org/thinking:1.0");
    expect(contentTypeToString(cli.contentType)).toBe("convos.org/thinking:1.0");
    expect(convosCodecs).toContain(thinkingCodec);
    for (const t of [start, stop]) {
      expect(thinkingCodec.shouldPush(t)).toBe(false);
      expect(thinkingCodec.fallback(t)).toBeUndefined();
      expect(thinkingCodec.encode(t).fallback).toBeUndefined();
      expect(cli.shouldPush(t)).toBe(thinkingCodec.shouldPush(t));
    }
  });

  it("round-trips start and stop, and the CLI reads ours and we read the CLI's", () => {
    for (const t of [start, stop, { ...stop, resultMessageId: undefined }]) {
      const plain = JSON.parse(JSON.stringify(t)) as Thinking; // an absent resultMessageId, not `undefined`
      expect(thinkingCodec.decode(thinkingCodec.encode(t))).toEqual(plain);
      expect(cli.decode(thinkingCodec.encode(t))).toEqual(plain);
      expect(thinkingCodec.decode(cli.encode(plain))).toEqual(plain);
    }
    expect(JSON.parse(utf8.decode(thinkingCodec.encode(stop).content))).toEqual({
      state: "stop",
      targetMessageId: "a1b2",
      content: "Thinking about your message",
      resultMessageId: "c3d4",
    });
  });

  it("ignores unknown keys when reading", () => {
    expect(thinkingCodec.decode(body({ ...start, extra: 1 }))).toEqual(start);
  });

  it("refuses what the CLI refuses, and a result on a start or an oversized field", () => {
    const bad = [
      body("nope"),
      body("[1]"),
      body({ ...start, state: "pause" }),
      body({ ...start, targetMessageId: "" }),
      body({ ...start, targetMessageId: 7 }),
      body({ ...start, content: "" }),
      body({ state: "start", targetMessageId: "a" }),
      body({ ...stop, resultMessageId: "" }),
      body({ ...start, resultMessageId: "c3d4" }),
      body({ ...start, content: "x".repeat(501) }),
    ];
    for (const b of bad) expect(() => thinkingCodec.decode(b)).toThrow(ConvosError);
    for (const b of bad.slice(0, 8)) expect(() => cli.decode(b)).toThrow();
    expect(() => thinkingCodec.encode({ ...start, content: "" })).toThrow(ConvosError);
  });
});
