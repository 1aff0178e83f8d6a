/**
 * `convos.org/thinking:1.0` (docs/convos-protocol.md §7.9): an agent's "thinking…" status anchored to a
 * member's message. JSON `{state: "start"|"stop", targetMessageId, content, resultMessageId?}`: `content`
 * is a short label shown beside the indicator, required on both states; `resultMessageId` only on a stop,
 * naming the agent's reply that closed the thought (absent when it ended without one). Silent, no
 * fallback: a client without the codec shows nothing. Receivers keep a session open until its stop, so a
 * sender pairs every start with a stop on the same target.
 */
import { ConvosError } from "@/lib/convos/errors";
import { convosContentType, decodeJsonObject, encodeJson, type ContentCodec } from "./json";

export const ContentTypeThinking = convosContentType("thinking");

export type ThinkingState = "start" | "stop";

export interface Thinking {
  state: ThinkingState;
  targetMessageId: string;
  /** A 3–5 word label, e.g. "Thinking about your message". */
  content: string;
  /** Only on a stop: the agent's own reply that closed the thought. */
  resultMessageId?: string;
}

/** The longest label or message id accepted when reading (a hostile sender's body stays small). */
const FIELD_MAX = 500;

const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= FIELD_MAX;

function valid(t: Record<string, unknown>): Thinking {
  if (t.state !== "start" && t.state !== "stop")
    throw new ConvosError("invalid_content", "thinking has no valid state");
  if (!nonEmpty(t.targetMessageId))
    throw new ConvosError("invalid_content", "thinking has no targetMessageId");
  if (!nonEmpty(t.content)) throw new ConvosError("invalid_content", "thinking has no content label");
  if (t.resultMessageId !== undefined && !nonEmpty(t.resultMessageId))
    throw new ConvosError("invalid_content", "thinking has an empty resultMessageId");
  if (t.resultMessageId !== undefined && t.state !== "stop")
    throw new ConvosError("invalid_content", "thinking has a resultMessageId on a start");
  return {
    state: t.state,
    targetMessageId: t.targetMessageId,
    content: t.content,
    ...(t.resultMessageId !== undefined ? { resultMessageId: t.resultMessageId } : {}),
  };
}

export const thinkingCodec: ContentCodec<Thinking> = {
  contentType: ContentTypeThinking,
  encode: (c) => encodeJson(ContentTypeThinking, valid({ ...c })),
  decode: (content) => valid(decodeJsonObject(content, "thinking")),
  fallback: () => undefined,
  shouldPush: () => false,
};
