/**
 * Voice notes as text: the OpenAI-compatible `POST /audio/transcriptions` (multipart: `file`, `model`),
 * through providerRequest (deadline, retries on 5xx/429). TRANSCRIPTION_MODEL turns it on; its base URL and
 * key are the language model's unless TRANSCRIPTION_BASE_URL / TRANSCRIPTION_API_KEY set them apart.
 *
 * Cost: a transcription reserves TRANSCRIPTION_TOKENS_PER_KB tokens per kilobyte of audio under the agent's
 * cap first, like every model call (lib/llm/budget.ts), and settles to what the service reports: its
 * `usage.total_tokens` (gpt-4o-transcribe), else `usage.seconds` at TRANSCRIPTION_TOKENS_PER_SECOND
 * (whisper-1), else the transcript's UTF-8 length.
 */
import { providerRequest } from "@/lib/providers/http";

/**
 * The reservation per KB of audio: the lowest bitrate voice notes use is about 8 kbit/s (1 KB per second),
 * and a second of speech costs about 10 audio tokens in and 4 text tokens out on gpt-4o-transcribe.
 */
export const TRANSCRIPTION_TOKENS_PER_KB = 15;
/** What a second of audio counts when the service reports seconds only. */
export const TRANSCRIPTION_TOKENS_PER_SECOND = 15;
/** The longest a transcription may take. */
export const TRANSCRIPTION_TIMEOUT_MS = 60_000;
/** The longest transcript kept (characters). */
export const TRANSCRIPT_MAX_CHARS = 8_000;

export interface TranscriptionSettings {
  baseUrl: string;
  apiKey: string;
  model: string;
}

/** The transcription service of these settings, or null when none is configured. */
export function transcriptionSettings(c: {
  TRANSCRIPTION_MODEL?: string;
  TRANSCRIPTION_BASE_URL?: string;
  TRANSCRIPTION_API_KEY?: string;
  LLM_BASE_URL: string;
  LLM_API_KEY?: string;
}): TranscriptionSettings | null {
  const apiKey = c.TRANSCRIPTION_API_KEY ?? c.LLM_API_KEY;
  if (!c.TRANSCRIPTION_MODEL || !apiKey) return null;
  return { baseUrl: c.TRANSCRIPTION_BASE_URL ?? c.LLM_BASE_URL, apiKey, model: c.TRANSCRIPTION_MODEL };
}

/** The most a transcription of `bytes` of audio may cost, reserved before the call. */
export const transcriptionBound = (bytes: number) =>
  100 + Math.ceil(bytes / 1_000) * TRANSCRIPTION_TOKENS_PER_KB;

export interface Transcript {
  text: string;
  /** Tokens to settle the reservation to. */
  tokens: number;
}

interface TranscriptionBody {
  text?: unknown;
  usage?: { total_tokens?: unknown; seconds?: unknown };
}

/** The transcript of `audio`; throws ProviderError when the service fails or answers without text. */
export async function transcribe(
  s: TranscriptionSettings,
  audio: { bytes: Uint8Array; filename: string; mimeType: string },
  signal?: AbortSignal,
): Promise<Transcript> {
  const form = new FormData();
  form.append("model", s.model);
  form.append("response_format", "json");
  form.append("file", new Blob([new Uint8Array(audio.bytes)], { type: audio.mimeType }), audio.filename);
  const { body } = await providerRequest<TranscriptionBody>({
    provider: "transcription",
    baseUrl: s.baseUrl,
    apiKey: s.apiKey,
    method: "POST",
    path: "/audio/transcriptions",
    body: form,
    timeoutMs: TRANSCRIPTION_TIMEOUT_MS,
    retries: 1,
    signal,
  });
  if (typeof body?.text !== "string") throw new Error("the transcription service answered without text");
  const text = body.text.trim().slice(0, TRANSCRIPT_MAX_CHARS);
  const total = Number(body.usage?.total_tokens);
  const seconds = Number(body.usage?.seconds);
  const tokens =
    Number.isFinite(total) && total > 0
      ? total
      : Number.isFinite(seconds) && seconds > 0
        ? Math.ceil(seconds * TRANSCRIPTION_TOKENS_PER_SECOND)
        : Buffer.byteLength(text, "utf8");
  return { text, tokens };
}
