import { startEmbeddedPostgres } from "./scripts/embedded-postgres.ts";
import { spawnSync } from "node:child_process";
const db = await startEmbeddedPostgres({ dir: "/work/main/.data/postgres", port: 54329 });
await db.ensureDatabase("convos");
await db.ensureDatabase("convos_shadow");
const r = spawnSync("npx", process.argv.slice(2), {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: db.urlFor("convos") },
});
await db.stop();
process.exit(r.status ?? 1);
