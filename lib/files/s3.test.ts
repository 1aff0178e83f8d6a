/**
 * The S3-compatible store, against a loopback server that checks what a store checks before keeping an
 * object: a path-style PUT of the bucket and key, the payload's SHA-256 in x-amz-content-sha256, and a
 * SigV4 Authorization header over host, x-amz-content-sha256 and x-amz-date for our key and region. The
 * signature itself is checked against AWS's published example (the "GET /test.txt" of the SigV4 docs has
 * a Range header we don't send, so here: the signing key derivation's published vector).
 */
import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteObject, objectUrl, putObject, signS3 } from "./s3";
import type { S3Settings } from "./settings";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const seen: Seen[] = [];
let failNext = 0;
let server: http.Server;
let s3: S3Settings;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      if (failNext > 0) {
        failNext--;
        return void res.writeHead(503).end("slow down");
      }
      res.writeHead(req.method === "DELETE" ? 204 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s3 = {
    endpoint,
    bucket: "agent-files",
    region: "eu-west-3",
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    publicUrl: "https://files.example",
  };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the S3 store", () => {
  it("PUTs the object path style with a SigV4 header over the payload's hash", async () => {
    const body = new Uint8Array([1, 2, 3, 250]);
    await putObject(s3, "abc_DEF-123.bin", body);
    const put = seen.at(-1)!;
    expect(put.method).toBe("PUT");
    expect(put.url).toBe("/agent-files/abc_DEF-123.bin");
    expect([...put.body]).toEqual([1, 2, 3, 250]);
    const hash = createHash("sha256").update(body).digest("hex");
    expect(put.headers["x-amz-content-sha256"]).toBe(hash);
    expect(put.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    const day = String(put.headers["x-amz-date"]).slice(0, 8);
    expect(put.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${day}/eu-west-3/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$`,
      ),
    );
    expect(String(put.headers.authorization)).not.toContain(s3.secretAccessKey);
    expect(objectUrl(s3, "abc_DEF-123.bin")).toBe("https://files.example/abc_DEF-123.bin");
  });

  it("signs as SigV4 does: the canonical request, the string to sign and the derived key", () => {
    const now = new Date("2013-05-24T00:00:00Z");
    const signed = signS3(s3, "DELETE", "k.bin", new Uint8Array(), now);
    const empty = createHash("sha256").update("").digest("hex");
    const host = new URL(s3.endpoint).host;
    const canonical = `DELETE\n/agent-files/k.bin\n\nhost:${host}\nx-amz-content-sha256:${empty}\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\n${empty}`;
    const toSign = `AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/eu-west-3/s3/aws4_request\n${createHash("sha256").update(canonical).digest("hex")}`;
    const h = (k: string | Buffer, d: string) => createHmac("sha256", k).update(d).digest();
    const key = h(h(h(h(`AWS4${s3.secretAccessKey}`, "20130524"), "eu-west-3"), "s3"), "aws4_request");
    expect(signed.headers.authorization).toContain(
      `Signature=${createHmac("sha256", key).update(toSign).digest("hex")}`,
    );
    // AWS's published signing-key vector (secret wJalr…EXAMPLEKEY, 20120215, us-east-1, iam).
    const vector = h(
      h(h(h("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215"), "us-east-1"), "iam"),
      "aws4_request",
    );
    expect(vector.toString("hex")).toBe("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });

  it("retries a 503 once, re-signed, and then gives up with an error that names no key", async () => {
    failNext = 1;
    const before = seen.length;
    await putObject(s3, "retry.bin", new Uint8Array([7]));
    expect(seen.length - before).toBe(2);
    failNext = 2;
    const error = await putObject(s3, "fails.bin", new Uint8Array([7])).catch((e: unknown) => e);
    expect(String(error)).toMatch(/^ProviderError: s3: HTTP 503/);
    expect(String(error)).not.toContain("AKIDEXAMPLE");
  });

  it("DELETEs an object", async () => {
    await deleteObject(s3, "abc.bin");
    expect(seen.at(-1)).toMatchObject({ method: "DELETE", url: "/agent-files/abc.bin" });
  });
});
