/**
 * An S3-compatible store (AWS S3, R2, MinIO...) reached with plain HTTP: a PUT or a DELETE of one object,
 * path style ({endpoint}/{bucket}/{key}), signed with AWS Signature Version 4 (header auth, the payload's
 * SHA-256 signed too). lib/providers/http.ts speaks JSON with a bearer key, so this is its own small
 * request: one attempt under a deadline, plus one retry on what is worth retrying (a 5xx, a 429, no answer),
 * re-signed; errors are ProviderErrors that never carry the keys.
 */
import { createHash, createHmac } from "node:crypto";
import { ProviderError, retryable } from "@/lib/providers/http";
import type { S3Settings } from "./settings";

export const S3_TIMEOUT_MS = 15_000;

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding of one path segment, as SigV4 wants it. */
const encodeSegment = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
}

/** The URL and headers of a SigV4-signed request for `key` (exported for the test's checking server). */
export function signS3(
  s: S3Settings,
  method: "PUT" | "DELETE",
  key: string,
  body: Uint8Array,
  now = new Date(),
): SignedRequest {
  const endpoint = new URL(s.endpoint);
  const path = `${endpoint.pathname.replace(/\/+$/, "")}/${[s.bucket, ...key.split("/")].map(encodeSegment).join("/")}`;
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256(body);
  const headers: Record<string, string> = {
    host: endpoint.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    method,
    path,
    "",
    ...names.map((n) => `${n}:${headers[n]}`),
    "",
    names.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${day}/${s.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  let signingKey = hmac(`AWS4${s.secretAccessKey}`, day);
  for (const part of [s.region, "s3", "aws4_request"]) signingKey = hmac(signingKey, part);
  const signature = createHmac("sha256", signingKey).update(toSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${s.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return { url: `${endpoint.origin}${path}`, headers };
}

async function send(s: S3Settings, method: "PUT" | "DELETE", key: string, body: Uint8Array): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const signed = signS3(s, method, key, body);
    let status = 0;
    let detail = `${method} object timed out or unreachable`;
    try {
      const res = await fetch(signed.url, {
        method,
        headers: {
          ...signed.headers,
          ...(method === "PUT" ? { "content-type": "application/octet-stream" } : {}),
        },
        body: method === "PUT" ? Buffer.from(body) : undefined,
        signal: AbortSignal.timeout(S3_TIMEOUT_MS),
        redirect: "error",
      });
      status = res.status;
      detail = `${method} object: ${(await res.text().catch(() => "")).slice(0, 200)}`;
      if (res.ok || (method === "DELETE" && res.status === 404)) return;
    } catch {
      // no answer: status 0
    }
    if (attempt >= 1 || !retryable(status)) throw new ProviderError("s3", status, detail);
  }
}

/** Stores `body` as the object `key`. */
export const putObject = (s: S3Settings, key: string, body: Uint8Array) => send(s, "PUT", key, body);

/** Deletes the object `key` (one already gone counts as deleted). */
export const deleteObject = (s: S3Settings, key: string) => send(s, "DELETE", key, new Uint8Array());

/** Where members' apps fetch the object `key`. */
export const objectUrl = (s: S3Settings, key: string) =>
  `${s.publicUrl}/${key.split("/").map(encodeSegment).join("/")}`;
