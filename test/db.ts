/**
 * A fresh, migrated database for one test file, cloned from the template the
 * global setup migrated. It also becomes this process's DATABASE_URL, so code
 * under test that uses `@/lib/db` talks to it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, inject } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { withDatabase } from "@/scripts/database-url.ts";

export interface TestDatabase {
  url: string;
  db: PrismaClient;
  /** Closes the client and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("databaseAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDatabase")}`);
  await admin.end();

  const url = withDatabase(adminUrl, name);
  process.env.DATABASE_URL = url;
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/**
 * Gives the calling test file its own database for all its tests: created
 * before the first, dropped after the last (closing `@/lib/db` first).
 */
export function withTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    const { db } = await import("@/lib/db");
    await db.$disconnect();
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error("withTestDatabase(): the database exists only inside tests and hooks");
    return database;
  };
}

/**
 * Adds `n` idle warm identities to `db` (rows only, no XMTP behind them: enough for a claim, which is one
 * statement on the database); returns them oldest first, the order claims take them in.
 */
export async function seedIdleIdentities(db: PrismaClient, n: number) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const id = randomBytes(6).toString("hex");
    rows.push(
      await db.identity.create({
        data: {
          status: "idle",
          inboxId: `inbox-${id}`,
          conversationId: `c-${id}`,
          inviteUrl: `https://dev.convos.org/v2?i=${id}`,
        },
      }),
    );
  }
  return rows;
}
