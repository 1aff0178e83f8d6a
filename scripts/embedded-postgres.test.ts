import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { embeddedPasswordFile, readEmbeddedPassword } from "./embedded-password.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "convos-embedded-pw-"));
fs.chmodSync(root, 0o755); // as root the server runs as the `postgres` OS user, which must enter it
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

describe("the embedded PostgreSQL's password", () => {
  it("is random, kept beside the data folder with mode 0600, and the well-known one is refused", async () => {
    const dir = path.join(root, "data");
    const server = await startEmbeddedPostgres({ dir });
    try {
      const file = embeddedPasswordFile(dir);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const password = readEmbeddedPassword(dir)!;
      expect(password).toMatch(/^[\w-]{32}$/);
      expect(server.adminUrl).toContain(password);
      expect(await canConnect(server.adminUrl)).toBe(true);
      expect(await canConnect(`postgresql://postgres:postgres@127.0.0.1:${server.port}/postgres`)).toBe(
        false,
      );
    } finally {
      await server.stop();
    }
    // The next start reuses the kept password.
    const again = await startEmbeddedPostgres({ dir });
    try {
      expect(await canConnect(again.adminUrl)).toBe(true);
      expect(again.adminUrl).toContain(readEmbeddedPassword(dir)!);
    } finally {
      await again.stop();
    }
  });

  it("replaces the well-known password of a folder made before passwords were random", async () => {
    const dir = path.join(root, "legacy");
    const first = await startEmbeddedPostgres({ dir });
    const port = first.port;
    // Make it look like an old folder: the well-known password, no password file.
    const admin = new pg.Client({ connectionString: first.adminUrl });
    await admin.connect();
    await admin.query("ALTER ROLE postgres PASSWORD 'postgres'");
    await admin.end();
    await first.stop();
    fs.rmSync(embeddedPasswordFile(dir));

    const server = await startEmbeddedPostgres({ dir, port });
    try {
      expect(readEmbeddedPassword(dir)).not.toBe("postgres");
      expect(await canConnect(server.adminUrl)).toBe(true);
      expect(await canConnect(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`)).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it("says what to do when the password file of a folder is lost", async () => {
    const dir = path.join(root, "lost");
    const first = await startEmbeddedPostgres({ dir });
    await first.stop();
    fs.rmSync(embeddedPasswordFile(dir));
    await expect(startEmbeddedPostgres({ dir, port: first.port })).rejects.toThrow(
      /no password file beside it .*restore the file, or delete the folder/,
    );
  });
});

describe("the embedded PostgreSQL's durability", () => {
  const setting = async (url: string, name: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(`SELECT current_setting($1) AS v`, [name])).rows[0].v as string;
    } finally {
      await client.end();
    }
  };

  it("flushes to disk, unless it is a test run's throwaway server", async () => {
    const dir = path.join(root, "durability");
    const kept = await startEmbeddedPostgres({ dir });
    try {
      expect(await setting(kept.adminUrl, "fsync")).toBe("on");
      expect(await setting(kept.adminUrl, "full_page_writes")).toBe("on");
    } finally {
      await kept.stop();
    }
    const throwaway = await startEmbeddedPostgres({ dir, throwaway: true });
    try {
      expect(await setting(throwaway.adminUrl, "fsync")).toBe("off");
      expect(await setting(throwaway.adminUrl, "synchronous_commit")).toBe("off");
    } finally {
      await throwaway.stop();
    }
  });
});
