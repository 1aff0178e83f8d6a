/**
 * The e2e deployment's database, for fixtures and checks a page can't make:
 * one short-lived connection per call.
 */
import pg from "pg";
import { E2E } from "./env";

export async function withDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: E2E.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withDatabase(async (client) => (await client.query<T>(sql, params)).rows);
}
