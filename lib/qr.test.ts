import { describe, expect, it } from "vitest";
import { decodeQrPng } from "@/test/decode-qr";
import { INVITE_QR_PIXELS, inviteQrPath, qrDataUrl, qrPng, qrSvg, templatePageUrl } from "./qr";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer) {
  // IHDR is the first chunk: width and height are its first two big-endian words.
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("templatePageUrl", () => {
  it("is PUBLIC_URL/a/<slug>, whatever trailing slash PUBLIC_URL has", () => {
    expect(templatePageUrl("trip-planner", "https://agents.example")).toBe(
      "https://agents.example/a/trip-planner",
    );
    expect(templatePageUrl("trip-planner", "https://agents.example/")).toBe(
      "https://agents.example/a/trip-planner",
    );
  });
  it("defaults to the configured PUBLIC_URL", () => {
    expect(templatePageUrl("x")).toMatch(/^https?:\/\/[^/]+\/a\/x$/);
  });
});

describe("inviteQrPath", () => {
  it("is the owner-only invite QR route, with its ids escaped", () => {
    expect(inviteQrPath("a1", "i1")).toBe("/api/agents/a1/invites/i1/qr");
    expect(inviteQrPath("a/1", "i?1")).toBe("/api/agents/a%2F1/invites/i%3F1/qr");
  });
});

describe("QR rendering", () => {
  const url = "https://agents.example/a/trip-planner";

  it("makes a square PNG at most the requested width, whole pixels per module, that scans back to the text", async () => {
    const png = await qrPng(url, 300);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const { width, height } = pngSize(png);
    expect(height).toBe(width);
    expect(width).toBeLessThanOrEqual(300);
    const modules = 29 + 4; // version 3 (this URL at level M) plus the 2-module margin on each side
    expect(width % modules).toBe(0);
    expect(width).toBeGreaterThan(300 - modules);
    expect(decodeQrPng(png)).toBe(url);
  });

  it("scans back a long invite URL at the size the invite route serves", async () => {
    const invite = `https://popup.convos.org/v2?i=${"AbC-_9".repeat(90)}`;
    expect(decodeQrPng(await qrPng(invite, INVITE_QR_PIXELS))).toBe(invite);
  });

  it("makes an SVG document", async () => {
    const svg = await qrSvg(url);
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("<path");
  });

  it("makes a PNG data URL", async () => {
    const dataUrl = await qrDataUrl(url, 200);
    expect(dataUrl.startsWith("data:image/png;base64,")).toBe(true);
    const png = Buffer.from(dataUrl.split(",")[1], "base64");
    expect(pngSize(png).width).toBeLessThanOrEqual(200);
    expect(decodeQrPng(png)).toBe(url);
  });

  it("encodes different URLs differently", async () => {
    expect(await qrSvg(url)).not.toBe(await qrSvg(`${url}-2`));
  });
});
