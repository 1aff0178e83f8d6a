/**
 * Photos, voice notes and hostile attachments, end to end: the official Convos CLI encrypts a photo, the test
 * puts it on a loopback store (allowed by ATTACHMENT_HOSTS), the CLI sends it as a remote attachment with a
 * caption right after; the agent's model (a loopback OpenAI-compatible server) receives one turn with the
 * caption and the photo as an image part. A voice note reaches the transcription endpoint with its bytes and
 * its words reach the model. Hostile attachments each get one line and no model call.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { encryptAttachment, type RemoteAttachment } from "@xmtp/node-bindings";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@/test/convos";
import { cliJoin, convos } from "@/test/convos-cli";
import { ask, launchAndJoin, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import type { ContentPart } from "@/lib/llm/client";

const files = new Map<string, Buffer>();
const store = http.createServer((req, res) => {
  const body = files.get(req.url ?? "");
  if (!body) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
});
let origin = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => store.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => store.close(() => resolve())));

const run = withRunningWorker({
  idle: 1,
  prefix: "agents-attachments",
  model: { timeoutMs: 10_000, maxRetries: 0 },
  settings: () => ({
    ATTACHMENT_HOSTS: [origin],
    TRANSCRIPTION_MODEL: "whisper-test",
    TRANSCRIPTION_BASE_URL: run.model.baseURL,
    TRANSCRIPTION_API_KEY: "test",
  }),
});

/** `content` encrypted onto the store at `at`, as the remote attachment a message carries. */
function stored(at: string, content: Uint8Array, mimeType: string, filename: string): RemoteAttachment {
  const e = encryptAttachment({ content, mimeType, filename });
  files.set(at, Buffer.from(e.payload));
  return { ...e, url: `${origin}${at}`, scheme: "https://", contentLength: e.payload.length, filename };
}

/**
 * Sends `commands` (its stdin protocol) through the CLI's `agent serve` on `conversationId`, one process, so a
 * photo and its caption leave a second apart as a phone's would; resolves once each is sent and it stopped.
 */
async function serveAndSend(home: string, conversationId: string, commands: object[]): Promise<void> {
  const cli = path.resolve(import.meta.dirname, "../../../node_modules/@xmtp/convos-cli/bin/run.js");
  const args = [cli, "agent", "serve", conversationId, "--no-invite", "--env", "local", "--home", home];
  const child = spawn(process.execPath, args, { cwd: home, env: { ...process.env, CONVOS_HOME: home } });
  let sent = 0;
  let buffered = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const done = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines.filter((l) => l.startsWith("{"))) {
        const event = (JSON.parse(line) as { event?: string; message?: string }).event;
        if (event === "ready") for (const c of commands) child.stdin.write(`${JSON.stringify(c)}\n`);
        if (event === "error") reject(new Error(line));
        if (event === "sent" && ++sent === commands.length) resolve();
      }
    });
    void exited.then((code) => reject(new Error(`agent serve exited (${code}) before sending`)));
  });
  try {
    await done;
  } finally {
    child.stdin.end(`${JSON.stringify({ type: "stop" })}\n`);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

const parts = (content: string | ContentPart[] | null) =>
  typeof content === "string" ? [] : (content ?? []);

describe("attachments members send", () => {
  it("a photo from the CLI with its caption is one turn: the model gets the caption and an image part", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Sage", "You look at photos.");
    await run.db.agent.update({ where: { id: a.agentId }, data: { dmPolicy: "open" } });
    const home = path.join(run.tmp.dir, "cli-home");
    const joined = await cliJoin(a.inviteUrl, home, 60);
    expect(joined.status, joined.output).toBe("joined");

    const photo = path.join(run.tmp.dir, "menu.png");
    fs.writeFileSync(
      photo,
      await sharp({ create: { width: 2_400, height: 1_200, channels: 3, background: "#c0ffee" } })
        .png()
        .toBuffer(),
    );
    const keys = await convos<Record<string, string | number>>(
      home,
      "conversation",
      "send-attachment",
      a.group.id,
      photo,
      "--encrypt",
    );
    files.set("/menu", fs.readFileSync(String(keys.encryptedFile)));
    // The CLI's own remote-attach command (its keys from `send-attachment --encrypt`), then the caption.
    const photoMessage = {
      type: "remote-attach",
      url: `${origin}/menu`,
      filename: "menu.png",
      scheme: "https",
    };
    const fields = ["contentDigest", "secret", "salt", "nonce", "contentLength"] as const;
    const attach = { ...photoMessage, ...Object.fromEntries(fields.map((f) => [f, keys[f]])) };
    await serveAndSend(home, a.group.id, [attach, { type: "send", text: "Sage, what should we order?" }]);

    const request = await waitFor("the model call with the photo", async () =>
      run.model.requests.find((r) => parts(r.messages.at(-1)!.content).some((p) => p.type === "image_url")),
    );
    const turn = parts(request.messages.at(-1)!.content);
    expect(turn[0]).toMatchObject({ type: "text" });
    expect((turn[0] as { text: string }).text).toContain("Sage, what should we order?");
    const image = (turn[1] as { image_url: { url: string } }).image_url.url;
    expect(image.startsWith("data:image/jpeg;base64,")).toBe(true);
    const meta = await sharp(Buffer.from(image.split(",")[1], "base64")).metadata();
    expect([meta.width, meta.height]).toEqual([1_568, 784]);

    // The caption is not answered again: the operator's next question is the agent's second answer after it.
    const answers = async () => (await texts(a.group)).filter((m) => m.sender === a.agentInbox);
    const before = await waitFor("the photo's answer", async () => {
      const all = await answers();
      return all.some((m) => m.text.startsWith("echo: Sage, what should we order?")) ? all.length : null;
    });
    await ask(a.group, a.agentInbox, "thanks");
    expect((await answers()).length).toBe(before + 1);
    expect(
      run.model.requests.filter((r) => JSON.stringify(r.messages).includes("what should we order")).length,
    ).toBeGreaterThan(0);
  });

  it("a voice note is transcribed with its bytes; hostile attachments each get one line", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Echo", "You listen.");
    const voice = Buffer.concat([Buffer.from("OggS\0\x02"), Buffer.alloc(4_000, 3)]);
    const calls = run.model.requests.length;
    await a.group.sendRemoteAttachment(stored("/voice", voice, "audio/ogg", "note.ogg"));
    const answer = await waitFor("the voice note's answer", async () =>
      (await texts(a.group)).find((m) => m.sender === a.agentInbox && m.text.includes("(voice note)")),
    );
    expect(answer.text).toContain(`heard ${voice.length} bytes`);
    const upload = run.model.transcriptions.at(-1)!;
    expect(upload.bytes.equals(voice)).toBe(true);
    expect(run.model.requests.length).toBe(calls + 1);

    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    const tampered = { ...stored("/tampered", png, "image/png", "a.png"), contentDigest: "0".repeat(64) };
    const fake = stored("/fake", Buffer.from("<html>hi</html>"), "image/png", "cute.png");
    const zip = stored("/zip", Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), "application/zip", "all.zip");
    const lines = async (ref: RemoteAttachment) => {
      const before = (await texts(a.group)).filter((m) => m.sender === a.agentInbox).length;
      await a.group.sendRemoteAttachment(ref);
      const mine = await waitFor("a line", async () => {
        const all = (await texts(a.group)).filter((m) => m.sender === a.agentInbox);
        return all.length > before ? all.slice(before) : null;
      });
      return mine.map((m) => m.text);
    };
    expect(await lines(tampered)).toEqual([
      "I couldn't open a.png: its file doesn't match the checksum in the message.",
    ]);
    expect(await lines(fake)).toEqual(["I couldn't open cute.png: its content isn't really image/png."]);
    expect(await lines(zip)).toEqual(["I can't open .zip files."]);
    expect(run.model.requests.length).toBe(calls + 1);
  });
});
