/**
 * What an answer makes of a message's attachments when something can't be done: one line each, and no
 * download or model call behind it. Inline attachments, so no store is needed; the end-to-end path (the CLI,
 * a remote store, the model and transcription servers) is attachments.test.ts.
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import pino from "pino";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { AgentState } from "@/lib/agents/policy";
import { parseConfig, type Config } from "@/lib/config";
import type { AnswerContext } from "./answer-context";
import {
  attachmentTurnText,
  hasVision,
  NO_TRANSCRIPTION_NOTE,
  NO_VISION_NOTE,
  OFFLINE_NOTE,
  readAttachments,
  VIDEO_NOTE,
  withAttachmentText,
} from "./attachments";

const inline = (...files: { content: Uint8Array; mimeType: string; filename: string }[]) =>
  ({
    id: "m1",
    conversationId: "c1",
    senderInboxId: "member",
    sentAtNs: 1n,
    contentType:
      files.length === 1
        ? { authorityId: "xmtp.org", typeId: "attachment" }
        : { authorityId: "xmtp.org", typeId: "multiRemoteStaticAttachment" },
    content: files.length === 1 ? files[0] : { attachments: [] },
  }) as unknown as DecodedMessage<unknown>;

function context(settings: Partial<Config>, usesModel = true): AnswerContext {
  return {
    settings: { ...parseConfig({}), ...settings },
    responder: { usesModel, reply: async () => null },
    log: pino({ level: "silent" }),
    signal: new AbortController().signal,
  } as unknown as AnswerContext;
}

const agent = { id: "a1", model: null } as AgentState;
const png = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } })
    .png()
    .toBuffer();

describe("an attachment the agent can't use", () => {
  it("a photo for a model without vision is one line, and nothing goes to the model", async () => {
    const m = inline({ content: await png(), mimeType: "image/png", filename: "menu.png" });
    const read = await readAttachments(context({ LLM_VISION: "off" }), agent, m, undefined);
    expect(read).toEqual({ texts: [], images: [], notes: [NO_VISION_NOTE] });
    const seen = await readAttachments(context({ LLM_VISION: "on" }), agent, m, undefined);
    expect(seen.images).toHaveLength(1);
    expect(seen.notes).toEqual([]);
  });

  it("a voice note without transcription, a video, an unknown type: one line each", async () => {
    const ogg = { content: Buffer.from("OggS\0\x02 sound"), mimeType: "audio/ogg", filename: "note.ogg" };
    const ctx = context({ TRANSCRIPTION_MODEL: undefined });
    expect((await readAttachments(ctx, agent, inline(ogg), undefined)).notes).toEqual([
      NO_TRANSCRIPTION_NOTE,
    ]);
    const webm = {
      content: Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 1, 2]),
      mimeType: "video/webm",
      filename: "a.webm",
    };
    expect((await readAttachments(ctx, agent, inline(webm), undefined)).notes).toEqual([VIDEO_NOTE]);
    const rar = {
      content: Buffer.from("Rar!\x1a\x07\0"),
      mimeType: "application/x-rar",
      filename: "all.RAR",
    };
    expect((await readAttachments(ctx, agent, inline(rar), undefined)).notes).toEqual([
      "I can't open .rar files.",
    ]);
  });

  it("on the offline responder, one line and nothing read", async () => {
    const m = inline({ content: Buffer.from("<html>"), mimeType: "image/png", filename: "x.png" });
    expect(await readAttachments(context({}, false), agent, m, undefined)).toEqual({
      texts: [],
      images: [],
      notes: [OFFLINE_NOTE],
    });
  });

  it("a text file's words join the member's, and the history names what was sent", async () => {
    const csv = { content: Buffer.from("dish,price\nsoup,4\n"), mimeType: "text/csv", filename: "menu.csv" };
    const m = inline(csv);
    const read = await readAttachments(context({}), agent, m, undefined);
    expect(withAttachmentText("what's cheapest?", read)).toBe(
      "what's cheapest?\n\n(file menu.csv)\ndish,price\nsoup,4",
    );
    expect(attachmentTurnText(m)).toBe("(sent menu.csv)");
  });
});

describe("a message with several attachments", () => {
  it("reads ATTACHMENT_MAX_PER_MESSAGE of them and says so; each refusal is its own line", async () => {
    const remote = (filename: string) => ({
      url: `https://10.0.0.1/${filename}`,
      contentDigest: "0".repeat(64),
      secret: new Uint8Array(32),
      salt: new Uint8Array(32),
      nonce: new Uint8Array(12),
      scheme: "https://",
      contentLength: 100,
      filename,
    });
    const m = {
      ...inline(),
      contentType: { authorityId: "xmtp.org", typeId: "multiRemoteStaticAttachment" },
      content: { attachments: ["a.png", "b.png", "c.png"].map(remote) },
    } as unknown as DecodedMessage<unknown>;
    const read = await readAttachments(context({ ATTACHMENT_MAX_PER_MESSAGE: 2 }), agent, m, undefined);
    expect(read.notes).toEqual([
      "I only read the first 2 of the 3 attachments.",
      "I couldn't open a.png: it points at a private address.",
      "I couldn't open b.png: it points at a private address.",
    ]);
  });
});

describe("LLM_VISION", () => {
  it("is on, off, or the models that see", () => {
    expect(hasVision("on", "any/model")).toBe(true);
    expect(hasVision("off", "any/model")).toBe(false);
    expect(hasVision("openai/gpt-4o, anthropic/claude", "anthropic/claude")).toBe(true);
    expect(hasVision("openai/gpt-4o", "openai/gpt-4o-mini")).toBe(false);
  });
});
