/**
 * Persistence: an append-only JSONL log, one event per line, replayed at
 * start-up (docs/local-xmtp-node.md §7).
 *
 * Why a log file and not PostgreSQL or SQLite: the node's state is a handful
 * of append-only sequences (identity updates, key packages, group messages,
 * welcomes, commit-log entries) that are always read in full into memory, so
 * replaying a log is the whole "query layer". It needs no server and no
 * schema migrations, starts in milliseconds, lives next to the client
 * databases under DATA_DIR so one `rm -rf` resets both together, and it is
 * readable with `jq` when debugging. Each RPC's events are written with one
 * synchronous `appendFileSync` before the RPC answers, so what a client was
 * told is stored survives a restart or a killed process (not a power loss:
 * there is no fsync, which is fine for development data). A torn last line
 * (a process killed mid-write) is cut off on open. Replay reads the file in
 * chunks and yields one event per line: a log past V8's ~512 MB string limit
 * (a long-lived demo node) loads like a small one.
 *
 * Binary fields are base64 in the file; the `Event` type is the in-memory
 * shape with Buffers.
 */
import fs from "node:fs";
import path from "node:path";

export type Event =
  | {
      t: "identity";
      inboxId: string;
      sequenceId: number;
      serverTimestampNs: string;
      update: Buffer;
      added: string[];
      removed: string[];
    }
  | { t: "keyPackage"; installationKey: Buffer; keyPackage: Buffer }
  | {
      t: "groupMessage";
      id: number;
      createdNs: string;
      groupId: Buffer;
      data: Buffer;
      senderHmac: Buffer;
      shouldPush: boolean;
      isCommit: boolean;
    }
  | {
      t: "welcome";
      id: number;
      createdNs: string;
      installationKey: Buffer;
      variant: "v1" | "welcome_pointer";
      payload: Buffer;
      hpkePublicKey: Buffer;
      wrapperAlgorithm: number;
      welcomeMetadata: Buffer;
    }
  | { t: "commitLog"; sequenceId: number; groupId: Buffer; entry: Buffer; signature: Buffer };

export const LOG_FILE = "events.jsonl";

/** Where events go; `null` directory means in-memory only. */
export interface EventLog {
  /** Every stored event, oldest first, read from the file as it is iterated. */
  replay(): Iterable<Event>;
  /** Appends a batch durably (w.r.t. process death) before returning. */
  append(events: Event[]): void;
  readonly file: string | null;
}

// Buffer.toJSON runs before a replacer sees the value, so look at the raw
// property (`this[key]`) to write Buffers as compact base64.
function toJson(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return Buffer.isBuffer(raw) ? { b64: raw.toString("base64") } : value;
}

const fromJson = (_key: string, value: unknown) =>
  value && typeof value === "object" && typeof (value as { b64?: unknown }).b64 === "string"
    ? Buffer.from((value as { b64: string }).b64, "base64")
    : value;

/** Opens (creating if needed) the log under `dir`, or an in-memory log when `dir` is null. */
export function openEventLog(dir: string | null): EventLog {
  if (dir === null) return { file: null, replay: () => [], append: () => {} };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOG_FILE);
  cutTornTail(file);
  return {
    file,
    *replay() {
      for (const line of readLines(file)) yield JSON.parse(line, fromJson) as Event;
    },
    append(events) {
      if (events.length === 0) return;
      fs.appendFileSync(file, events.map((e) => JSON.stringify(e, toJson)).join("\n") + "\n");
    },
  };
}

const CHUNK_BYTES = 1 << 20;

/** The file's non-empty lines, read `chunkBytes` at a time (a line may span chunks). */
export function* readLines(file: string, chunkBytes = CHUNK_BYTES): Generator<string> {
  if (!fs.existsSync(file)) return;
  const fd = fs.openSync(file, "r");
  try {
    const chunk = Buffer.alloc(chunkBytes);
    let pending: Buffer[] = []; // the start of a line that continues in the next chunk
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, chunkBytes, null);
      if (read === 0) break;
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, 0); nl !== -1 && nl < read; nl = chunk.indexOf(0x0a, start)) {
        const line = Buffer.concat([...pending, chunk.subarray(start, nl)]);
        pending = [];
        if (line.length > 0) yield line.toString("utf8");
        start = nl + 1;
      }
      if (start < read) pending.push(Buffer.from(chunk.subarray(start, read)));
    }
    // cutTornTail leaves no unterminated line; one appended since would be a torn write, skipped.
  } finally {
    fs.closeSync(fd);
  }
}

/** A line without its final newline was cut by a crash; drop it so later appends stay parseable. */
function cutTornTail(file: string): void {
  if (!fs.existsSync(file)) return;
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, "r");
  try {
    // Look back from the end, a chunk at a time, for the last newline: the file may be huge.
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, size));
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      const read = fs.readSync(fd, chunk, 0, end - start, start);
      if (end === size && chunk[read - 1] === 0x0a) return;
      const nl = chunk.subarray(0, read).lastIndexOf(0x0a);
      if (nl !== -1) return fs.truncateSync(file, start + nl + 1);
      end = start;
    }
    if (size > 0) fs.truncateSync(file, 0);
  } finally {
    fs.closeSync(fd);
  }
}
