/**
 * GET /api/blobs/[id] on a real PostgreSQL: a file send_file stored (lib/files/store.ts) is served as the
 * encrypted bytes the remote attachment describes (its digest and length), as opaque bytes a browser
 * won't render; an unknown, malformed or expired id is a 404, and so is a blob kept in an S3 store.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FILES_PER_HOUR, MAX_STORED_BYTES, storeFile } from "@/lib/files/store";
import type { FileSettings } from "@/lib/files/settings";
import { withTestDatabase } from "@/test/db";
import { GET } from "./route";

const database = withTestDatabase();
const settings: FileSettings = { publicUrl: "https://agents.example", retentionDays: 30 };
const ics = new TextEncoder().encode("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");

const get = (id: string) =>
  GET(new Request(`http://localhost/api/blobs/${id}`), { params: Promise.resolve({ id }) });

async function stored() {
  const { db } = database();
  const agent = await db.agent.create({ data: { name: "Files", instructions: "" } });
  const remote = await storeFile(settings, agent.id, {
    filename: "plan.ics",
    mimeType: "text/calendar",
    content: ics,
  });
  const id = remote.url.slice(`${settings.publicUrl}/api/blobs/`.length);
  return { db, agent, remote, id };
}

describe("the blob route", () => {
  it("serves the encrypted payload the remote attachment describes, never the file itself", async () => {
    const { remote, id } = await stored();
    expect(remote.url).toMatch(/^https:\/\/agents\.example\/api\/blobs\/[A-Za-z0-9_-]{32}$/);
    expect(remote).toMatchObject({ scheme: "https", filename: "plan.ics" });
    const res = await get(id);
    expect(res.status).toBe(200);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(createHash("sha256").update(body).digest("hex")).toBe(remote.contentDigest);
    expect(body.length).toBe(remote.contentLength);
    expect(Buffer.from(body).includes(Buffer.from("VCALENDAR"))).toBe(false); // ciphertext only
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${id}.bin"`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600, immutable");
  });

  it("answers 404 to an unknown, malformed or expired id, and to a blob kept in the S3 store", async () => {
    const { db, agent, id } = await stored();
    for (const unknown of ["A".repeat(32), "short", "../../etc/passwd", `${id}x`]) {
      const res = await get(unknown);
      expect(res.status).toBe(404);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    await db.blob.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await get(id)).status).toBe(404);
    const s3Id = "S".repeat(32);
    await db.blob.create({
      data: {
        id: s3Id,
        agentId: agent.id,
        size: 10,
        s3Key: `${s3Id}.bin`,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    expect((await get(s3Id)).status).toBe(404);
  });

  it("keeps a blob until RETENTION_DAYS and refuses a file over the size limit, storing nothing", async () => {
    const { db, id } = await stored();
    const row = await db.blob.findUniqueOrThrow({ where: { id } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(29.9 * 86_400_000);
    const before = await db.blob.count();
    const big = { filename: "big.csv", mimeType: "text/csv", content: new Uint8Array(600 * 1024) };
    await expect(storeFile(settings, row.agentId, big)).rejects.toThrow("the file is too large");
    expect(await db.blob.count()).toBe(before);
  });

  it(`refuses a file past ${FILES_PER_HOUR} an hour, and past the bytes an agent may hold`, async () => {
    const { db, agent } = await stored();
    const file = { filename: "plan.ics", mimeType: "text/calendar", content: ics };
    const rows = (n: number, size: number, createdAt: Date) =>
      Array.from({ length: n }, (_, i) => ({
        id: `${size}-${createdAt.getTime()}-${i}`.padEnd(32, "x"),
        agentId: agent.id,
        size,
        data: new Uint8Array([0]),
        createdAt,
        expiresAt: new Date(Date.now() + 86_400_000),
      }));
    await db.blob.createMany({ data: rows(FILES_PER_HOUR - 1, 1, new Date()) });
    await expect(storeFile(settings, agent.id, file)).rejects.toThrow(
      `you have sent ${FILES_PER_HOUR} files in the last hour`,
    );
    // An hour later the count starts again, but the bytes still held count until they expire.
    await db.blob.updateMany({
      where: { agentId: agent.id },
      data: { createdAt: new Date(Date.now() - 3_700_000) },
    });
    await db.blob.createMany({ data: rows(1, MAX_STORED_BYTES - 100, new Date(Date.now() - 3_700_000)) });
    await expect(storeFile(settings, agent.id, file)).rejects.toThrow("your stored files are at their limit");
    expect(await db.blob.count({ where: { agentId: agent.id } })).toBe(FILES_PER_HOUR + 1);
  });
});
