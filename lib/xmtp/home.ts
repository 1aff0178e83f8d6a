/**
 * The home of XMTP state: a random id written once into `DATA_DIR/xmtp/home-id`.
 * Every worker pointed at the same DATA_DIR (one machine, or one shared volume)
 * reads the same id, so they can open each other's identity databases and fail
 * over to each other at once; a worker with another DATA_DIR has another home.
 * The file is created with O_EXCL, so workers starting together agree on one id.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { xmtpDbDir } from "./paths.ts";

export const HOME_ID_FILE = "home-id";

/** The stable id of a data directory's XMTP home, created on first use. */
export function homeKeyOf(dataDir?: string): string {
  const dir = xmtpDbDir(dataDir);
  const file = path.join(dir, HOME_ID_FILE);
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(file, `${randomUUID()}\n`, { flag: "wx", mode: 0o644 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  // A reader racing the writer may see an empty file for a moment.
  for (let i = 0; i < 50; i++) {
    const id = fs.readFileSync(file, "utf8").trim();
    if (id) return id;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  throw new Error(`${file} is empty: remove it and restart the worker`);
}
