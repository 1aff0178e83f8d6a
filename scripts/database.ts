/**
 * Where the database comes from, for every command that needs one: the server
 * at DATABASE_URL when it is set, otherwise the embedded PostgreSQL under
 * DATA_DIR. Migrations are applied with the Prisma CLI (see prisma.config.ts
 * for why it runs offline).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { settingNow } from "@/lib/config.ts";
import { releaseSignalHandlers, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres.ts";

export interface Database {
  url: string;
  /** Present when we started the server ourselves. */
  embedded?: EmbeddedDatabase;
  stop(): Promise<void>;
}

export const EMBEDDED_PORT = settingNow("EMBEDDED_PG_PORT");
export const EMBEDDED_DATABASE = "convos";

/** Uses DATABASE_URL, or starts the embedded server (data in `$DATA_DIR/postgres`) and its database. */
export async function openDatabase(opts: {
  dataDir: string;
  log?: (line: string) => void;
}): Promise<Database> {
  const url = settingNow("DATABASE_URL");
  if (url) return { url, stop: async () => {} };
  // Our callers stop the server themselves, after the parts that use it.
  releaseSignalHandlers();
  const embedded = await startEmbeddedPostgres({
    dir: path.join(opts.dataDir, "postgres"),
    port: EMBEDDED_PORT,
    log: opts.log,
  });
  await embedded.ensureDatabase(EMBEDDED_DATABASE);
  return { url: embedded.urlFor(EMBEDDED_DATABASE), embedded, stop: () => embedded.stop() };
}

/** Applies the committed migrations to the database at `url`; rejects with the CLI's output on failure. */
export async function migrate(url: string): Promise<void> {
  await run("npx", ["prisma", "migrate", "deploy"], { DATABASE_URL: url });
}

/** Runs a command to completion with extra environment; rejects with its output when it fails. */
export function run(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} failed (${code}):\n${output}`)),
    );
  });
}
