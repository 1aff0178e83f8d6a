/**
 * Photos, voice notes and files members send, as the answer reads them.
 *
 * Which messages: XMTP's `attachment` (inline), `remoteStaticAttachment` and `multiRemoteStaticAttachment`
 * (several in one message), from someone else; at most ATTACHMENT_MAX_PER_MESSAGE of one message are read.
 *
 * A caption: Convos apps send a photo and its words as two messages. An attachment message's caption is
 * the first message from the same sender after it, sent within CAPTION_WINDOW_MS, when that message is a
 * text (another attachment first: no caption). The answer to the attachment waits until that window has
 * passed (at most CAPTION_WINDOW_MS, only for a fresh message), takes the caption in the ledger for the
 * same run and answers both as one turn; the caption's own turn then finds it taken and stays silent.
 *
 * What each becomes for the model (`readAttachments`): an image an `image_url` part (scaled: lib/attachments/
 * image.ts), audio its transcript in the member's words ("(voice note) …"), text, CSV, JSON and PDF their
 * text; the rest one line each ("I can't open .zip files."), as is whatever can't be done: no vision, no
 * transcription configured, the offline responder, a file too large, a download refused. When nothing is
 * left for the model (no words, no image), the answer is those lines alone and no model is called.
 *
 * Nothing decrypted is written anywhere: bytes live in memory for the answer; a voice note's transcript is
 * kept in a bounded in-process map (`transcripts`) so later turns' history shows the member's words.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DecodedMessage } from "@xmtp/node-sdk";
import { attachmentsOf, type AttachmentRef } from "@/lib/attachments/refs";
import type { AgentState } from "@/lib/agents/policy";
import { AttachmentError, downloadRemote, readInline, type ReadAttachment } from "@/lib/attachments/download";
import { fileText } from "@/lib/attachments/file-text";
import { scaleImage } from "@/lib/attachments/image";
import { transcribe, transcriptionBound, transcriptionSettings } from "@/lib/attachments/transcribe";
import { takeCounted } from "@/lib/ledger/messages";
import { spendWithinCap } from "@/lib/llm/budget";
import type { AnswerContext } from "./answer-context";

/** How long after an attachment its sender's text still counts as its caption. */
export const CAPTION_WINDOW_MS = 3_000;
/** Transcripts kept for the history (message id → words), oldest forgotten first. */
const TRANSCRIPTS_KEPT = 2_000;

export { attachmentsOf, type AttachmentRef };

export const isAttachmentMessage = (m: DecodedMessage<unknown>) => attachmentsOf(m).length > 0;

const transcripts = new Map<string, string>();

/** How an earlier attachment message reads in the history: a voice note's words, else what was sent. */
export function attachmentTurnText(m: DecodedMessage<unknown>): string | undefined {
  const refs = attachmentsOf(m);
  if (refs.length === 0) return undefined;
  const heard = transcripts.get(m.id);
  if (heard !== undefined) return `(voice note) ${heard}`;
  const names = refs.map((r) => ("inline" in r ? r.inline.filename : r.remote.filename) || "a file");
  return `(sent ${names.join(", ")})`;
}

/** The caption of attachment message `m` (see the module comment), taken for this run; undefined when none. */
export async function takeCaption(
  ctx: AnswerContext,
  m: DecodedMessage<unknown>,
): Promise<{ id: string; text: string } | undefined> {
  const sentMs = Number(m.sentAtNs / 1_000_000n);
  const wait = Math.min(CAPTION_WINDOW_MS, sentMs + CAPTION_WINDOW_MS - Date.now());
  if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
  const until = m.sentAtNs + BigInt(CAPTION_WINDOW_MS) * 1_000_000n;
  const next = (await ctx.conversation.history({ limit: 20 }))
    .filter((x) => x.senderInboxId === m.senderInboxId && x.sentAtNs > m.sentAtNs && x.sentAtNs <= until)
    .sort((a, b) => (a.sentAtNs < b.sentAtNs ? -1 : 1))[0];
  const isText = next?.contentType?.typeId === "text" && typeof next.content === "string";
  if (!next || !isText) return undefined;
  const took = await takeCounted(ctx.identity.id, next.id, ctx.run, ctx.settings.AGENT_ANSWER_ATTEMPTS);
  return took === null ? undefined : { id: next.id, text: next.content as string };
}

/** What the model gets of a turn's attachments: words (added to the text), images, and lines for the member. */
export interface TurnAttachments {
  /** Transcripts and files' text, each labelled. */
  texts: string[];
  /** `data:` URLs of scaled images (models with vision only). */
  images: string[];
  /** One line per thing that couldn't be done, said before the answer. */
  notes: string[];
}

/** Whether `model` sees images: LLM_VISION `on` (every model), `off`, or a list of model names. */
export function hasVision(setting: string, model: string): boolean {
  const value = setting.trim().toLowerCase();
  if (value === "on" || value === "") return true;
  if (value === "off") return false;
  return value.split(",").some((name) => name.trim() === model.toLowerCase());
}

export const OFFLINE_NOTE =
  "I can't look at photos, voice notes or files: no language model is configured on this server.";
export const NO_VISION_NOTE = "I can't see images: the model I run on has no vision.";
export const NO_TRANSCRIPTION_NOTE =
  "I can't listen to voice notes: no transcription service is configured on this server.";
export const VIDEO_NOTE = "I can't watch videos.";

const nameOf = (r: AttachmentRef) =>
  ("inline" in r ? r.inline.filename : r.remote.filename) || "your attachment";
const extensionOf = (a: ReadAttachment) =>
  /\.([A-Za-z0-9]{1,10})$/.exec(a.filename)?.[1]?.toLowerCase() ??
  a.mimeType.split("/")[1]?.slice(0, 20) ??
  "these";

/** Reads `m`'s attachments for `agent`'s answer (bounded in count, size and time); never throws for one that can't be read. */
export async function readAttachments(
  ctx: AnswerContext,
  agent: AgentState,
  m: DecodedMessage<unknown>,
  cap: number | undefined,
): Promise<TurnAttachments> {
  const out: TurnAttachments = { texts: [], images: [], notes: [] };
  if (!ctx.responder.usesModel) return { ...out, notes: [OFFLINE_NOTE] };
  const s = ctx.settings;
  const refs = attachmentsOf(m);
  const most = s.ATTACHMENT_MAX_PER_MESSAGE;
  if (refs.length > most) out.notes.push(`I only read the first ${most} of the ${refs.length} attachments.`);
  const limits = {
    maxBytes: s.ATTACHMENT_MAX_BYTES,
    timeoutMs: s.ATTACHMENT_TIMEOUT_MS,
    hosts: s.ATTACHMENT_HOSTS,
  };
  const vision = hasVision(s.LLM_VISION, agent.model ?? s.LLM_MODEL);
  const said = new Set<string>();
  const note = (line: string) => void (said.has(line) || (said.add(line), out.notes.push(line)));
  for (const ref of refs.slice(0, most)) {
    try {
      const read =
        "inline" in ref
          ? readInline(ref.inline, limits)
          : await downloadRemote(ref.remote, limits, ctx.signal);
      await understand(ctx, m, read, { vision, cap, agentId: agent.id, out, note });
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      ctx.log.info({ messageId: m.id, code: error.code }, "an attachment could not be read");
      note(`I couldn't open ${nameOf(ref)}: ${error.message}.`);
    }
  }
  return out;
}

interface Understanding {
  vision: boolean;
  cap: number | undefined;
  agentId: string;
  out: TurnAttachments;
  note: (line: string) => void;
}

/** What one read attachment gives the turn (see the module comment); throws AttachmentError. */
async function understand(
  ctx: AnswerContext,
  m: DecodedMessage<unknown>,
  a: ReadAttachment,
  u: Understanding,
): Promise<void> {
  const label = a.filename ? `${a.filename}` : a.kind === "image" ? "a photo" : "a file";
  switch (a.kind) {
    case "image":
      if (!u.vision) return u.note(NO_VISION_NOTE);
      u.out.images.push((await scaleImage(a.bytes)).dataUrl);
      return;
    case "audio":
      return listen(ctx, m, a, u);
    case "video":
      return u.note(VIDEO_NOTE);
    case "text":
    case "pdf": {
      const { text, cut } = await fileText(a);
      u.out.texts.push(`(file ${label}${cut ? ", cut short" : ""})\n${text}`);
      return;
    }
    default:
      return u.note(`I can't open .${extensionOf(a)} files.`);
  }
}

/** A voice note's transcript, its cost reserved under the agent's cap; a line when it can't be had. */
async function listen(ctx: AnswerContext, m: DecodedMessage<unknown>, a: ReadAttachment, u: Understanding) {
  const service = transcriptionSettings(ctx.settings);
  if (!service) return u.note(NO_TRANSCRIPTION_NOTE);
  const audio = { bytes: a.bytes, filename: a.filename || "voice-note", mimeType: a.mimeType };
  let spent;
  try {
    spent = await spendWithinCap(
      u.agentId,
      u.cap,
      transcriptionBound(a.bytes.length),
      () => transcribe(service, audio, ctx.signal),
      (t) => t.tokens,
    );
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log.warn({ err: error, messageId: m.id }, "transcribing a voice note failed");
    return u.note("I couldn't transcribe your voice note just now.");
  }
  if (!spent.ok) return u.note("I can't transcribe that voice note: my token allowance is used up.");
  remember(m.id, spent.value.text);
  u.out.texts.push(`(voice note) ${spent.value.text}`);
}

function remember(messageId: string, text: string) {
  transcripts.delete(messageId);
  transcripts.set(messageId, text);
  if (transcripts.size > TRANSCRIPTS_KEPT) transcripts.delete(transcripts.keys().next().value as string);
}

/** The member's words with what their attachments said appended: what the model reads as their turn. */
export function withAttachmentText(text: string, read: TurnAttachments): string {
  return [text, ...read.texts].filter((t) => t.trim() !== "").join("\n\n");
}
