/**
 * Test helper: a small OpenAI-compatible chat-completions server on
 * 127.0.0.1 that stands in for the paid model service. It records every
 * request and answers from a script (one step per request, then the default),
 * which can also fail: a 500, a hang (for timeouts) or a malformed body, or
 * ask for tool calls (`{ toolCalls: [{ name, arguments }] }`, with or without text).
 *
 * It also answers `POST …/audio/transcriptions` (multipart, as OpenAI's): each upload is recorded
 * (`transcriptions`: model, file name, type and bytes) and answered with `transcript(upload)`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  createModelClient,
  type ChatMessage,
  type ModelClient,
  type ModelClientOptions,
  type ToolSpec,
} from "@/lib/llm/client";

/** A tool call the script asks for; `arguments` is sent JSON-encoded unless it is already a string. */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
}

export type ScriptStep =
  | { text: string; tokens?: number; delayMs?: number }
  | { toolCalls: ScriptedToolCall[]; text?: string; tokens?: number; delayMs?: number }
  | { status: number }
  | { hang: true }
  | { malformed: true };

export interface RecordedRequest {
  model: string;
  messages: ChatMessage[];
  /** The tools offered with the request (none = a plain completion). */
  tools?: ToolSpec[];
  max_tokens?: number;
}

/** An audio upload to /audio/transcriptions, as the server received it. */
export interface RecordedTranscription {
  model: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

export interface ScriptedModelServer {
  baseURL: string;
  requests: RecordedRequest[];
  transcriptions: RecordedTranscription[];
  /** What a transcription answers (default: "heard <n> bytes", usage 30 tokens). */
  setTranscript(answer: (t: RecordedTranscription) => { text: string; tokens?: number }): void;
  /** Steps used by the next requests, in order. */
  script(...steps: ScriptStep[]): void;
  /** What to answer once the script is used up (default: "echo: <last user text, label removed>", 10 tokens). */
  setDefault(answer: (req: RecordedRequest) => ScriptStep): void;
  close(): Promise<void>;
}

/** The last user turn's text, without the "[ref] Name: " label agents put on members' turns. */
export const lastUserText = (r: RecordedRequest) => {
  const content = [...r.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const text =
    typeof content === "string" ? content : content.map((p) => (p.type === "text" ? p.text : "")).join("");
  return text.replace(/^\[[0-9a-f]{8}\] [^:\n]{1,80}: /, "");
};

/** A transcription upload's fields, read from its multipart body. */
async function readUpload(body: Buffer, contentType: string): Promise<RecordedTranscription> {
  const form = await new Response(new Uint8Array(body), {
    headers: { "content-type": contentType },
  }).formData();
  const file = form.get("file");
  if (!(file instanceof Blob)) throw new Error("no file in the upload");
  return {
    model: String(form.get("model")),
    filename: file instanceof File ? file.name : "",
    type: file.type,
    bytes: Buffer.from(await file.arrayBuffer()),
  };
}

/** Starts the server on an ephemeral loopback port. */
export async function startScriptedModelServer(): Promise<ScriptedModelServer> {
  const requests: RecordedRequest[] = [];
  const transcriptions: RecordedTranscription[] = [];
  let transcript = (t: RecordedTranscription): { text: string; tokens?: number } => ({
    text: `heard ${t.bytes.length} bytes`,
    tokens: 30,
  });
  const steps: ScriptStep[] = [];
  let fallback = (r: RecordedRequest): ScriptStep => ({ text: `echo: ${lastUserText(r)}`, tokens: 10 });
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url?.endsWith("/audio/transcriptions")) {
        readUpload(Buffer.concat(chunks), req.headers["content-type"] ?? "").then(
          (upload) => {
            transcriptions.push(upload);
            const { text, tokens } = transcript(upload);
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ text, usage: { type: "tokens", total_tokens: tokens ?? 30 } }));
          },
          () => res.writeHead(400).end(),
        );
        return;
      }
      const body = Buffer.concat(chunks).toString();
      let parsed: RecordedRequest;
      try {
        parsed = JSON.parse(body) as RecordedRequest;
      } catch {
        res.writeHead(400).end();
        return;
      }
      requests.push({
        model: parsed.model,
        messages: parsed.messages,
        tools: parsed.tools,
        max_tokens: parsed.max_tokens,
      });
      const step = steps.shift() ?? fallback(parsed);
      if ("hang" in step) {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      if ("status" in step) {
        res.writeHead(step.status, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "scripted failure" } }));
        return;
      }
      if ("malformed" in step) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{ this is not json");
        return;
      }
      const toolCalls =
        "toolCalls" in step
          ? step.toolCalls.map((c, i) => ({
              id: `call_${requests.length}_${i}`,
              type: "function",
              function: {
                name: c.name,
                arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
              },
            }))
          : undefined;
      const message = toolCalls
        ? { role: "assistant", content: step.text ?? null, tool_calls: toolCalls }
        : { role: "assistant", content: step.text };
      const send = () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: `cmpl-${requests.length}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: parsed.model,
            choices: [{ index: 0, finish_reason: toolCalls ? "tool_calls" : "stop", message }],
            usage: {
              prompt_tokens: 0,
              completion_tokens: step.tokens ?? 10,
              total_tokens: step.tokens ?? 10,
            },
          }),
        );
      };
      if (step.delayMs) setTimeout(send, step.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    transcriptions,
    setTranscript: (answer) => void (transcript = answer),
    script: (...more) => void steps.push(...more),
    setDefault: (answer) => void (fallback = answer),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A model client of `server` (model "scripted"), with the client options a test sets. */
export function scriptedModelClient(
  server: ScriptedModelServer,
  o: Omit<Partial<ModelClientOptions>, "baseURL"> = {},
): ModelClient {
  return createModelClient({ baseURL: server.baseURL, apiKey: "test", model: "scripted", ...o });
}
