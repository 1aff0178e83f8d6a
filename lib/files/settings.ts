/** Where the files agents send are kept, as the send_file tool, the retention pass and erasure read it. */
import type { Config } from "@/lib/config";

export interface S3Settings {
  /** The store's API base, e.g. "https://s3.eu-west-1.amazonaws.com" or "http://127.0.0.1:9000". */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where members' apps fetch an object: this base + "/" + its key. */
  publicUrl: string;
}

export interface FileSettings {
  /** The S3-compatible store; undefined = the web app's blob route serves the files. */
  s3?: S3Settings;
  /** The web app's public base URL (the blob route's URLs start with it). */
  publicUrl: string;
  /** Days a stored file is kept (RETENTION_DAYS). */
  retentionDays: number;
}

const trimSlash = (url: string) => url.replace(/\/+$/, "");

/** The settings from the server's configuration (the S3 store is on when all its settings are). */
export function fileSettings(
  c: Pick<
    Config,
    | "PUBLIC_URL"
    | "RETENTION_DAYS"
    | "ATTACHMENT_S3_ENDPOINT"
    | "ATTACHMENT_S3_BUCKET"
    | "ATTACHMENT_S3_REGION"
    | "ATTACHMENT_S3_ACCESS_KEY_ID"
    | "ATTACHMENT_S3_SECRET_ACCESS_KEY"
    | "ATTACHMENT_S3_PUBLIC_URL"
  >,
): FileSettings {
  const base = { publicUrl: trimSlash(c.PUBLIC_URL), retentionDays: c.RETENTION_DAYS };
  const { ATTACHMENT_S3_ENDPOINT: endpoint, ATTACHMENT_S3_BUCKET: bucket } = c;
  const { ATTACHMENT_S3_ACCESS_KEY_ID: accessKeyId, ATTACHMENT_S3_SECRET_ACCESS_KEY: secretAccessKey } = c;
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) return base;
  return {
    ...base,
    s3: {
      endpoint: trimSlash(endpoint),
      bucket,
      region: c.ATTACHMENT_S3_REGION,
      accessKeyId,
      secretAccessKey,
      publicUrl: trimSlash(c.ATTACHMENT_S3_PUBLIC_URL ?? `${trimSlash(endpoint)}/${bucket}`),
    },
  };
}
