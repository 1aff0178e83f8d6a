/**
 * Prisma CLI configuration.
 *
 * The CLI runs the JavaScript schema engine over the `pg` driver adapter, so
 * `migrate` works offline: no Rust engine is downloaded. The CLI ignores `.env`
 * when this file exists, so DATABASE_URL comes from the environment (our npm
 * scripts set it).
 *
 * Two gaps of @prisma/adapter-pg 6.19.3 as a *migration* adapter are worked
 * around here, in this one place:
 *  1. It cannot describe result columns of the catalog types `name` (OID 19)
 *     and `"char"` (OID 18) that the schema engine's introspection queries
 *     return (https://github.com/prisma/prisma/issues/27403). Our pool reports
 *     them as `text`, which is what they are for the engine's purposes.
 *  2. Its `connectToShadowDb` creates a shadow database but then connects with
 *     the main connection string, which wins over the `database` option in
 *     `pg`, so the "shadow" is the main database. We create the throwaway
 *     database ourselves and connect to it by URL.
 */
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { withDatabase } from "./scripts/database-url.ts";

const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

function reportCatalogTypesAsText<R>(result: R): R {
  const fields = (result as { fields?: { dataTypeID: number }[] }).fields ?? [];
  for (const field of fields) if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  return result;
}

/**
 * A pool whose clients describe `name`/`"char"` result columns as text (gap 1).
 * `Pool.query` goes through `connect`, so wrapping the clients covers both paths.
 */
class MigrationPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    this.on("connect", (client) => {
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as unknown as { query: unknown }).query = (...a: unknown[]) => {
        const last = a.length - 1;
        if (typeof a[last] === "function") {
          const callback = a[last] as (err: unknown, res: unknown) => void;
          a[last] = (err: unknown, res: unknown) => callback(err, res && reportCatalogTypesAsText(res));
          return query(...a);
        }
        const result = query(...a);
        return result instanceof Promise ? result.then(reportCatalogTypesAsText) : result;
      };
    });
  }
}

function migrationAdapter(url: string) {
  const factory = new PrismaPg(new MigrationPool({ connectionString: url }), { disposeExternalPool: true });
  // Gap 2: a real, separate shadow database, dropped when the engine is done with it.
  factory.connectToShadowDb = async () => {
    const admin = new pg.Client({ connectionString: url });
    const database = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg(new MigrationPool({ connectionString: withDatabase(url, database) }), {
      disposeExternalPool: true,
    }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
      await admin.end();
    };
    return shadow;
  };
  return factory;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL must be set for Prisma CLI commands");
    return migrationAdapter(url);
  },
});
