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
 * (a process killed mid-write) is cut off on open.
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
  /** Every stored event, oldest first. */
  replay(): Event[];
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
    replay() {
      if (!fs.existsSync(file)) return [];
      const text = fs.readFileSync(file, "utf8");
      return text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line, fromJson) as Event);
    },
    append(events) {
      if (events.length === 0) return;
      fs.appendFileSync(file, events.map((e) => JSON.stringify(e, toJson)).join("\n") + "\n");
    },
  };
}

/** A line without its final newline was cut by a crash; drop it so later appends stay parseable. */
function cutTornTail(file: string): void {
  if (!fs.existsSync(file)) return;
  const bytes = fs.readFileSync(file);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  fs.truncateSync(file, bytes.lastIndexOf(0x0a) + 1);
}
