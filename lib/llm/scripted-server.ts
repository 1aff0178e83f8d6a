/**
 * Test helper: a small OpenAI-compatible chat-completions server on
 * 127.0.0.1 that stands in for the paid model service. It records every
 * request and answers from a script (one step per request, then the default),
 * which can also fail: a 500, a hang (for timeouts) or a malformed body.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatMessage } from "./client";

export type ScriptStep =
  | { text: string; tokens?: number; delayMs?: number }
  | { status: number }
  | { hang: true }
  | { malformed: true };

export interface RecordedRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
}

export interface ScriptedModelServer {
  baseURL: string;
  requests: RecordedRequest[];
  /** Steps used by the next requests, in order. */
  script(...steps: ScriptStep[]): void;
  /** What to answer once the script is used up (default: "echo: <last user text>", 10 tokens). */
  setDefault(answer: (req: RecordedRequest) => ScriptStep): void;
  close(): Promise<void>;
}

const lastUser = (r: RecordedRequest) =>
  [...r.messages].reverse().find((m) => m.role === "user")?.content ?? "";

/** Starts the server on an ephemeral loopback port. */
export async function startScriptedModelServer(): Promise<ScriptedModelServer> {
  const requests: RecordedRequest[] = [];
  const steps: ScriptStep[] = [];
  let fallback = (r: RecordedRequest): ScriptStep => ({ text: `echo: ${lastUser(r)}`, tokens: 10 });
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      let parsed: RecordedRequest;
      try {
        parsed = JSON.parse(body) as RecordedRequest;
      } catch {
        res.writeHead(400).end();
        return;
      }
      requests.push({ model: parsed.model, messages: parsed.messages, max_tokens: parsed.max_tokens });
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
      const send = () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: `cmpl-${requests.length}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: parsed.model,
            choices: [
              { index: 0, finish_reason: "stop", message: { role: "assistant", content: step.text } },
            ],
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
    script: (...more) => void steps.push(...more),
    setDefault: (answer) => void (fallback = answer),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
