/**
 * `tsx scripts/with-db.ts <command…>`: runs one command with DATABASE_URL set
 * to a migrated database (embedded unless DATABASE_URL is set), then stops
 * what it started. Used by `npm run build`, `db:*` and `worker`.
 */
import { spawn } from "node:child_process";
import { settingNow } from "@/lib/config.ts";
import { migrate, openDatabase } from "./database.ts";

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error("usage: tsx scripts/with-db.ts <command> [args…]");
  process.exit(2);
}

const database = await openDatabase({ dataDir: settingNow("DATA_DIR") });
let code = 1;
try {
  await migrate(database.url);
  const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, DATABASE_URL: database.url } });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  code = await new Promise<number>((resolve) =>
    child.on("exit", (c, signal) => resolve(c ?? (signal ? 130 : 1))),
  );
} finally {
  await database.stop();
}
process.exit(code);
