/**
 * Decrypting a remote attachment's payload off the worker's main thread: node-sdk's `decryptAttachment`
 * (the same function, from its native bindings) on up to DECRYPT_THREADS worker threads of a deadline pool
 * (lib/threads/deadline-pool.ts), DECRYPT_TIMEOUT_MS per payload. It is synchronous and takes about 30 ms per
 * MB (bench/attachments.ts): on the main thread, twenty photos arriving at once blocked every agent for
 * seconds. The plaintext stays in memory, copied back to the caller.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Attachment, RemoteAttachment } from "@xmtp/node-sdk";
import { DeadlinePool } from "@/lib/threads/deadline-pool";

const DECRYPT_THREADS = 2;
const DECRYPT_TIMEOUT_MS = 10_000;
const DECRYPT_IDLE_MS = 30_000;

// Computed when a thread starts, not at import (bundlers rewrite `new URL("./…", import.meta.url)`).
const entry = () => path.join(path.dirname(fileURLToPath(import.meta.url)), "decrypt-worker.mjs");

const pool = new DeadlinePool<Attachment>({
  threads: DECRYPT_THREADS,
  idleMs: DECRYPT_IDLE_MS,
  startMs: 2_000, // loading the native bindings
  start: () => new Worker(entry(), { execArgv: [] }),
});

/** The attachment inside `payload` (its digest already checked); rejects when it can't be decrypted. */
export async function decryptOffThread(payload: Uint8Array, ref: RemoteAttachment): Promise<Attachment> {
  const plain = await pool.run({ payload, ref }, DECRYPT_TIMEOUT_MS);
  return {
    ...plain,
    content: new Uint8Array(plain.content.buffer, plain.content.byteOffset, plain.content.byteLength),
  };
}
