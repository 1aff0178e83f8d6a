import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { encryptAttachment, type RemoteAttachment } from "@xmtp/node-bindings";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_TOKEN_BOUND, promptTokenBound } from "@/lib/llm/budget";
import { startScriptedModelServer, type ScriptedModelServer } from "@/test/scripted-model-server";
import { AttachmentError, downloadRemote, readInline, type AttachmentLimits } from "./download";
import { fileText } from "./file-text";
import { IMAGE_MAX_SIDE, scaleImage } from "./image";
import { checkDeclared, sniff } from "./sniff";
import { transcribe, transcriptionBound } from "./transcribe";

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#3366aa" } })
    .png()
    .toBuffer();

/** A PNG whose header claims `side` × `side` pixels around a 1-pixel image: a decompression bomb's header. */
async function bombPng(side: number): Promise<Buffer> {
  const b = Buffer.from(await png(1, 1));
  b.writeUInt32BE(side, 16);
  b.writeUInt32BE(side, 20);
  b.writeUInt32BE(zlib.crc32(b.subarray(12, 29)), 29); // IHDR's CRC over its type and data
  return b;
}

/** A loopback store serving payloads by path; `/liar` sends more bytes than it is asked for. */
async function startStore() {
  const files = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const body = files.get(req.url ?? "");
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    /** Stores `content` encrypted at `path`; returns the remote attachment a message would carry. */
    put(path: string, content: Uint8Array, mimeType: string, filename: string): RemoteAttachment {
      const e = encryptAttachment({ content, mimeType, filename });
      files.set(path, Buffer.from(e.payload));
      return {
        url: `${origin}${path}`,
        contentDigest: e.contentDigest,
        secret: e.secret,
        salt: e.salt,
        nonce: e.nonce,
        scheme: "https://",
        contentLength: e.payload.length,
        filename,
      };
    },
    replace: (path: string, body: Buffer) => void files.set(path, body),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let store: Awaited<ReturnType<typeof startStore>>;
let limits: AttachmentLimits;
beforeAll(async () => {
  store = await startStore();
  limits = { maxBytes: 1_000_000, timeoutMs: 5_000, hosts: [store.origin] };
});
afterAll(() => store.close());

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof AttachmentError ? e.code : e),
  );

describe("an attachment's type", () => {
  it("is what its bytes say, and a declared type they don't match is refused", async () => {
    const image = await png(4, 4);
    expect(sniff(image)).toEqual({ mime: "image/png", kind: "image" });
    expect(checkDeclared("image/png", image)).toBe("image");
    const html = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>");
    expect(checkDeclared("image/png", html)).toBeUndefined();
    expect(checkDeclared("text/html", html)).toBe("text");
    expect(checkDeclared("application/pdf", html)).toBeUndefined();
    expect(checkDeclared("text/csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toBeUndefined();
    const m4a = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from("ftypM4A \0\0\0\0isomM4A ")]);
    expect(checkDeclared("audio/mp4", m4a)).toBe("audio");
    expect(checkDeclared("audio/x-m4a", Buffer.from("OggS\0\x02"))).toBe("audio");
    expect(checkDeclared("application/zip", Buffer.from("anything"))).toBe("other");
  });
});

describe("a remote attachment", () => {
  it("is downloaded from an allowed store, its digest checked, and decrypted in memory", async () => {
    const image = await png(8, 6);
    const ref = store.put("/photo", image, "image/png", "menu.png");
    const read = await downloadRemote(ref, limits);
    expect(read).toMatchObject({ filename: "menu.png", mimeType: "image/png", kind: "image" });
    expect(Buffer.from(read.bytes).equals(image)).toBe(true);
  });

  it("refuses a payload whose digest doesn't match", async () => {
    const ref = store.put("/tampered", await png(2, 2), "image/png", "a.png");
    const other = createHash("sha256").update("something else").digest("hex");
    expect(await refusal(downloadRemote({ ...ref, contentDigest: other }, limits))).toBe("digest_mismatch");
  });

  it("refuses a payload bigger than declared, and a declared size over the limit before fetching", async () => {
    const ref = store.put("/liar", await png(2, 2), "image/png", "a.png");
    store.replace("/liar", Buffer.alloc(ref.contentLength! + 5_000, 7));
    expect(await refusal(downloadRemote(ref, limits))).toBe("larger_than_declared");
    const huge = { ...ref, url: `${store.origin}/nowhere`, contentLength: limits.maxBytes + 1 };
    expect(await refusal(downloadRemote(huge, limits))).toBe("too_large");
    const undeclared = { ...ref, contentLength: undefined };
    expect(await refusal(downloadRemote(undeclared, { ...limits, maxBytes: 1_000 }))).toBe("too_large");
  });

  it("refuses a private address unless ATTACHMENT_HOSTS names its origin", async () => {
    const ref = store.put("/private", await png(2, 2), "image/png", "a.png");
    // Plain http only from a store of ATTACHMENT_HOSTS; https to a private address is refused for its address.
    expect(await refusal(downloadRemote(ref, { ...limits, hosts: [] }))).toBe("unreachable");
    const https = { ...ref, url: ref.url.replace("http://", "https://") };
    expect(await refusal(downloadRemote(https, { ...limits, hosts: [] }))).toBe("refused_address");
    const metadata = { ...ref, url: "https://169.254.169.254/latest/meta-data" };
    expect(await refusal(downloadRemote(metadata, limits))).toBe("refused_address");
  });

  it("refuses a PNG that is really HTML", async () => {
    const html = Buffer.from("<html><body>not a picture</body></html>");
    const ref = store.put("/fake-png", html, "image/png", "cute.png");
    expect(await refusal(downloadRemote(ref, limits))).toBe("type_mismatch");
    const inline = { content: html, mimeType: "image/png", filename: "cute.png" };
    expect(await refusal(Promise.resolve().then(() => readInline(inline, limits)))).toBe("type_mismatch");
  });
});

describe("an image for the model", () => {
  it("is scaled to 1,568 px on its longest side, as JPEG", async () => {
    const scaled = await scaleImage(await png(3_200, 1_600));
    expect([scaled.width, scaled.height]).toEqual([IMAGE_MAX_SIDE, IMAGE_MAX_SIDE / 2]);
    expect(scaled.dataUrl.startsWith("data:image/jpeg;base64,/9j/")).toBe(true);
    const small = await scaleImage(await png(40, 30));
    expect([small.width, small.height]).toEqual([40, 30]);
  });

  it("refuses a decompression bomb from its header", async () => {
    const bomb = await bombPng(15_000); // 225 MP: under sharp's own default limit, over ours
    expect(bomb.length).toBeLessThan(200);
    expect(checkDeclared("image/png", bomb)).toBe("image");
    expect(await refusal(scaleImage(bomb))).toBe("too_large");
  });

  it("counts IMAGE_TOKEN_BOUND per image part in the prompt bound, not its data URL's length", () => {
    const url = `data:image/jpeg;base64,${"A".repeat(300_000)}`;
    const parts = [
      { type: "text" as const, text: "what is this?" },
      { type: "image_url" as const, image_url: { url } },
    ];
    const withImage = promptTokenBound([{ role: "user", content: parts }]);
    const textOnly = promptTokenBound([{ role: "user", content: "what is this?" }]);
    expect(withImage - textOnly).toBe(IMAGE_TOKEN_BOUND);
  });
});

describe("a file's text", () => {
  it("is read from text, CSV and JSON, bounded", async () => {
    const csv = await fileText({ kind: "text", mimeType: "text/csv", bytes: Buffer.from("a,b\n1,2\n") });
    expect(csv).toEqual({ text: "a,b\n1,2", cut: false });
    const big = await fileText({ kind: "text", mimeType: "text/plain", bytes: Buffer.alloc(500_000, "x") });
    expect(big.cut).toBe(true);
    expect(big.text.length).toBe(20_000);
    const json = await fileText({
      kind: "text",
      mimeType: "application/json",
      bytes: Buffer.from('{"a":[1,2]}'),
    });
    expect(json.text).toContain('"a"');
  });

  it("is read from a PDF off the thread", async () => {
    const read = await fileText({
      kind: "pdf",
      mimeType: "application/pdf",
      bytes: minimalPdf("Lunch at noon"),
    });
    expect(read.text).toContain("Lunch at noon");
  });
});

/** A one-page PDF showing `text`. */
function minimalPdf(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 700 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) out += `${String(at).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

describe("a voice note", () => {
  let model: ScriptedModelServer;
  beforeAll(async () => (model = await startScriptedModelServer()));
  afterAll(() => model.close());

  it("is uploaded to /audio/transcriptions with its bytes, and its transcript's tokens are counted", async () => {
    const audio = Buffer.concat([Buffer.from("OggS\0\x02"), Buffer.alloc(3_000, 1)]);
    model.setTranscript(() => ({ text: " Let's meet at eight. ", tokens: 42 }));
    const settings = { baseUrl: model.baseURL, apiKey: "test", model: "whisper-test" };
    const heard = await transcribe(settings, { bytes: audio, filename: "note.ogg", mimeType: "audio/ogg" });
    expect(heard).toEqual({ text: "Let's meet at eight.", tokens: 42 });
    const [upload] = model.transcriptions;
    expect(upload).toMatchObject({ model: "whisper-test", filename: "note.ogg", type: "audio/ogg" });
    expect(upload.bytes.equals(audio)).toBe(true);
    expect(transcriptionBound(audio.length)).toBeGreaterThan(42);
  });
});
