/**
 * The one Prisma client of a process, over the `pg` driver adapter (the
 * TypeScript query compiler: no Rust engine). Kept on globalThis so Next.js'
 * hot reload does not open a new pool on every edit.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { settingNow } from "@/lib/config";
import { PrismaClient } from "@/lib/generated/prisma/client";

function createClient(): PrismaClient {
  const connectionString = settingNow("DATABASE_URL");
  if (!connectionString)
    throw new Error("DATABASE_URL is not set: start the app with `npm run dev` or set it");
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: settingNow("DATABASE_POOL_SIZE") }),
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
