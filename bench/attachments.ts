/**
 * `npx tsx bench/attachments.ts [photos=20]`: what a photo costs between its arrival and the model call, on
 * the worker's own path (lib/attachments): download from a loopback store (allowed as ATTACHMENT_HOSTS),
 * digest check and decryption in memory, the type check, scaling to 1,568 px with sharp, and the model call
 * with the image part (a loopback OpenAI-compatible server that answers at once). The photo is a 12 MP
 * phone-sized JPEG of noise (noise compresses worst, so its payload is large).
 *
 * Printed: p50/p95 of each step and of the whole, for photos one after another and for `photos` arriving at
 * once; the process's memory (RSS, heap, external) before and at its peak during the burst, sampled every
 * 20 ms; and the longest the main thread was blocked meanwhile (decoding runs on libuv's pool, not on it).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { encryptAttachment } from "@xmtp/node-bindings";
import sharp from "sharp";
import { downloadRemote } from "@/lib/attachments/download";
import { scaleImage } from "@/lib/attachments/image";
import { startScriptedModelServer, scriptedModelClient } from "@/test/scripted-model-server";

const PHOTOS = Number(process.argv[2] ?? 20);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (n: number) => `${n.toFixed(0)} ms`;
const mb = (n: number) => `${(n / 1_048_576).toFixed(0)} MB`;

async function phonePhoto(): Promise<Buffer> {
  const noise = { type: "gaussian" as const, mean: 128, sigma: 40 };
  return sharp({ create: { width: 4_032, height: 3_024, channels: 3, background: "#808080", noise } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function main() {
  const photo = await phonePhoto();
  const encrypted = encryptAttachment({ content: photo, mimeType: "image/jpeg", filename: "photo.jpg" });
  const payload = Buffer.from(encrypted.payload);
  const store = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": payload.length });
    res.end(payload);
  });
  await new Promise<void>((resolve) => store.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
  const model = await startScriptedModelServer();
  model.setDefault(() => ({ text: "A photo.", tokens: 10 }));
  const client = scriptedModelClient(model, { timeoutMs: 60_000 });
  const ref = {
    url: `${origin}/photo`,
    contentDigest: encrypted.contentDigest,
    secret: encrypted.secret,
    salt: encrypted.salt,
    nonce: encrypted.nonce,
    scheme: "https://",
    contentLength: payload.length,
    filename: "photo.jpg",
  };
  const limits = { maxBytes: 25_000_000, timeoutMs: 30_000, hosts: [origin] };

  /** One photo from arrival to the model call's return: its steps' times. */
  const one = async () => {
    const t0 = performance.now();
    const read = await downloadRemote(ref, limits);
    const t1 = performance.now();
    const scaled = await scaleImage(read.bytes);
    const t2 = performance.now();
    await client.complete([
      { role: "system", content: "You look at photos." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: scaled.dataUrl } },
        ],
      },
    ]);
    const t3 = performance.now();
    return { download: t1 - t0, scale: t2 - t1, model: t3 - t2, total: t3 - t0 };
  };

  const report = (label: string, runs: Awaited<ReturnType<typeof one>>[]) => {
    const line = (k: keyof (typeof runs)[number]) => {
      const values = runs.map((r) => r[k]);
      return `${k} p50 ${ms(percentile(values, 50))} p95 ${ms(percentile(values, 95))}`;
    };
    console.log(`${label}: ${(["download", "scale", "model", "total"] as const).map(line).join(" | ")}`);
  };

  console.log(
    `photo: 4032x3024 JPEG, ${mb(photo.length)} (${photo.length} bytes), encrypted payload ${payload.length} bytes`,
  );
  await one(); // warm-up: sharp's and the HTTP agents' first use
  const sequential = [];
  for (let i = 0; i < PHOTOS; i++) sequential.push(await one());
  report(`${PHOTOS} photos one after another`, sequential);

  global.gc?.();
  const before = process.memoryUsage();
  const peak = { rss: before.rss, heapUsed: before.heapUsed, external: before.external };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
  }, 20);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const burst = await Promise.all(Array.from({ length: PHOTOS }, () => one()));
  const wall = performance.now() - started;
  delay.disable();
  clearInterval(sampler);
  report(`${PHOTOS} photos at once`, burst);
  console.log(
    `${PHOTOS} photos at once: all done in ${ms(wall)}; model calls received ${model.requests.length}`,
  );
  console.log(
    `memory before the burst: rss ${mb(before.rss)}, heap ${mb(before.heapUsed)}, external ${mb(before.external)}; ` +
      `peak during it: rss ${mb(peak.rss)}, heap ${mb(peak.heapUsed)}, external ${mb(peak.external)}`,
  );
  console.log(`main thread's longest block during the burst: ${ms(delay.max / 1e6)}`);
  await model.close();
  await new Promise<void>((resolve) => store.close(() => resolve()));
}

await main();
