import { describe, expect, it } from "vitest";
import { BodyTooLargeError, readBodyCapped } from "./body";

/** A request whose body is streamed in chunks (no Content-Length), counting how much was pulled. */
function streamed(chunks: number, chunkBytes: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(97));
    },
  });
  const request = new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
  return { request, pulled: () => pulled };
}

describe("readBodyCapped", () => {
  it("reads a body within the cap", async () => {
    const request = new Request("http://x/", { method: "POST", body: '{"a":1}' });
    expect(await readBodyCapped(request, 100)).toBe('{"a":1}');
  });

  it("refuses from Content-Length alone, before reading the body", async () => {
    let read = false;
    const body = new ReadableStream(
      {
        pull() {
          read = true;
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request("http://x/", {
      method: "POST",
      body,
      duplex: "half",
      headers: { "content-length": "1000000" },
    } as RequestInit);
    await expect(readBodyCapped(request, 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(read).toBe(false);
  });

  it.each(["abc", "-1", "1e9"])("refuses a Content-Length of %s over or not a size", async (declared) => {
    const request = new Request("http://x/", { method: "POST", headers: { "content-length": declared } });
    await expect(readBodyCapped(request, 1024)).rejects.toMatchObject({ status: 413 });
  });

  it("stops reading a streamed body without Content-Length once it passes the cap", async () => {
    const { request, pulled } = streamed(1000, 1024);
    await expect(readBodyCapped(request, 4 * 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled()).toBeLessThan(10);
  });
});
