/**
 * The thread that decrypts remote attachments (lib/attachments/decrypt.ts starts it). node-sdk's
 * `decryptAttachment` is synchronous native code that holds its thread for about 30 ms per MB: on the
 * worker's main thread a 25 MB payload would stall every agent for most of a second. Plain JavaScript so it
 * loads the same under node, tsx and vitest.
 */
import { parentPort } from "node:worker_threads";
import { decryptAttachment } from "@xmtp/node-bindings";

parentPort.on("message", ({ payload, ref }) => {
  try {
    const { filename, mimeType, content } = decryptAttachment(payload, ref);
    parentPort.postMessage({ result: { filename, mimeType, content } });
  } catch (error) {
    parentPort.postMessage({ error: String(error?.message ?? error) });
  }
});
