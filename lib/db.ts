/**
 * The one Prisma client of a process, over the `pg` driver adapter (the
 * TypeScript query compiler: no Rust engine). Kept on globalThis so Next.js'
 * hot reload does not open a new pool on every edit.
 *
 * Every connection has a connect timeout and a statement timeout (lib/config's
 * DATABASE_CONNECT_TIMEOUT_MS, DATABASE_STATEMENT_TIMEOUT_MS): a database that
 * is down or wedged makes a query fail within bounded time instead of holding
 * a request, or a worker loop, forever.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import type { PoolConfig } from "pg";
import { settingNow } from "./config";
import { PrismaClient } from "@/lib/generated/prisma/client";

export interface DatabaseTimeouts {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  poolSize: number;
}

/** The pg pool options for `connectionString` with the given timeouts. */
export function poolConfig(connectionString: string, t: DatabaseTimeouts): PoolConfig {
  return {
    connectionString,
    max: t.poolSize,
    connectionTimeoutMillis: t.connectTimeoutMs,
    // Server side: the statement is cancelled; client side: a query the server never answers is given up.
    statement_timeout: t.statementTimeoutMs,
    query_timeout: t.statementTimeoutMs + 1_000,
    // A transaction left open (a crashed request between statements) must not hold its locks.
    idle_in_transaction_session_timeout: t.statementTimeoutMs * 2,
  };
}

/**
 * A Prisma client on its own pool (the shared one is `db`). An interactive transaction may wait for a
 * pooled connection as long as a statement may run (Prisma's default is 2 s): under a burst, such as a
 * worker handing over a hundred claimed agents at once, a short wait failed work that only had to queue.
 */
export function createPrismaClient(connectionString: string, t: DatabaseTimeouts): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg(poolConfig(connectionString, t)),
    transactionOptions: { maxWait: t.statementTimeoutMs, timeout: t.statementTimeoutMs },
  });
}

function createClient(): PrismaClient {
  const connectionString = settingNow("DATABASE_URL");
  if (!connectionString)
    throw new Error("DATABASE_URL is not set: start the app with `npm run dev` or set it");
  return createPrismaClient(connectionString, {
    connectTimeoutMs: settingNow("DATABASE_CONNECT_TIMEOUT_MS"),
    statementTimeoutMs: settingNow("DATABASE_STATEMENT_TIMEOUT_MS"),
    poolSize: settingNow("DATABASE_POOL_SIZE"),
  });
}

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

/** The shared client; created on first use so importing this module never connects. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = (globalForPrisma.prisma ??= createClient());
    const value = Reflect.get(client, prop, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});
