/**
 * Retention of files kept in the S3 store (a loopback store here) on a real PostgreSQL: an expired blob's
 * object is deleted there, then its row; a live one is left alone; when the store fails the row waits for
 * the next pass, and the general prune drops it only a week past the cutoff.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneOlderThan, S3_ROW_GRACE_MS } from "@/lib/retention/prune";
import { withTestDatabase } from "@/test/db";
import { pruneStoredObjects } from "./retention";
import type { S3Settings } from "./settings";

const database = withTestDatabase();
const DAY = 86_400_000;
const deleted: string[] = [];
let failing = false;
let server: http.Server;
let s3: S3Settings;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.method === "DELETE") deleted.push(req.url ?? "");
    res.writeHead(failing ? 500 : 204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  s3 = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bucket: "files",
    region: "auto",
    accessKeyId: "AKID",
    secretAccessKey: "secret",
    publicUrl: "https://files.example",
  };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function blobs(rows: { key: string; createdAt: Date; expiresAt: Date }[]) {
  const { db } = database();
  const agent = await db.agent.create({ data: { name: "Files", instructions: "" } });
  await db.blob.createMany({
    data: rows.map((r) => ({
      id: r.key.padEnd(32, "x"),
      agentId: agent.id,
      size: 10,
      s3Key: `${r.key}.bin`,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
    })),
  });
  return db;
}

const keys = async (db: Awaited<ReturnType<typeof blobs>>) =>
  (await db.blob.findMany({ orderBy: { id: "asc" } })).map((b) => b.s3Key);

describe("pruneStoredObjects", () => {
  it("deletes the expired blobs' objects, then their rows, and leaves live ones", async () => {
    const now = Date.now();
    const db = await blobs([
      { key: "expired", createdAt: new Date(now - 2 * DAY), expiresAt: new Date(now - 1000) },
      { key: "old", createdAt: new Date(now - 40 * DAY), expiresAt: new Date(now + DAY) },
      { key: "live", createdAt: new Date(now - DAY), expiresAt: new Date(now + DAY) },
    ]);
    expect(await pruneStoredObjects(s3, new Date(now - 30 * DAY))).toBe(2);
    expect(deleted.sort()).toEqual(["/files/expired.bin", "/files/old.bin"]);
    expect(await keys(db)).toEqual(["live.bin"]);
  });

  it("keeps the row when the store fails; the general prune drops it a week past the cutoff", async () => {
    const now = Date.now();
    const cutoff = new Date(now - 30 * DAY);
    const db = await blobs([
      { key: "stuck-recent", createdAt: new Date(now - 31 * DAY), expiresAt: new Date(now - DAY) },
      {
        key: "stuck-ancient",
        createdAt: new Date(now - 30 * DAY - S3_ROW_GRACE_MS - DAY),
        expiresAt: new Date(now - DAY),
      },
    ]);
    failing = true;
    expect(await pruneStoredObjects(s3, cutoff)).toBe(0);
    failing = false;
    expect((await keys(db)).filter((k) => k?.startsWith("stuck"))).toEqual([
      "stuck-ancient.bin",
      "stuck-recent.bin",
    ]);
    await pruneOlderThan(cutoff);
    expect((await keys(db)).filter((k) => k?.startsWith("stuck"))).toEqual(["stuck-recent.bin"]);
  });
});
