/**
 * Erasing agents deletes the objects their files left in the S3 store (a loopback store here), and only
 * theirs; a store that fails doesn't hold the erasure up (its bucket's lifecycle rule removes the rest).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/db";

const database = withTestDatabase();
const deleted: string[] = [];
let failing = false;
let server: http.Server;
let deleteStoredObjects: (agentIds: string[]) => Promise<void>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.method === "DELETE") deleted.push(req.url ?? "");
    res.writeHead(failing ? 500 : 204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  vi.stubEnv("ATTACHMENT_S3_ENDPOINT", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  vi.stubEnv("ATTACHMENT_S3_BUCKET", "files");
  vi.stubEnv("ATTACHMENT_S3_ACCESS_KEY_ID", "AKID");
  vi.stubEnv("ATTACHMENT_S3_SECRET_ACCESS_KEY", "secret");
  vi.resetModules(); // lib/config parses the environment once per module instance
  ({ deleteStoredObjects } = await import("./erase"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

async function agentWithObjects(name: string, keys: string[]) {
  const { db } = database();
  const agent = await db.agent.create({ data: { name, instructions: "" } });
  await db.blob.createMany({
    data: keys.map((key) => ({
      id: key.padEnd(32, "x"),
      agentId: agent.id,
      size: 10,
      s3Key: `${key}.bin`,
      expiresAt: new Date(Date.now() + 60_000),
    })),
  });
  return agent.id;
}

describe("deleteStoredObjects", () => {
  it("deletes the agents' objects in the store, and nobody else's", async () => {
    const erased = await agentWithObjects("Erased", ["a1", "a2"]);
    await agentWithObjects("Kept", ["k1"]);
    await deleteStoredObjects([erased]);
    expect(deleted.sort()).toEqual(["/files/a1.bin", "/files/a2.bin"]);
  });

  it("goes on when the store fails", async () => {
    failing = true;
    const erased = await agentWithObjects("Unlucky", ["u1"]);
    await expect(deleteStoredObjects([erased])).resolves.toBeUndefined();
    expect(deleted.filter((d) => d === "/files/u1.bin")).toHaveLength(2); // tried, and retried once
  });
});
