/**
 * For the node's own test files: a node of the file's own, on an ephemeral port, so that stopping or wiping
 * it never disturbs the shared node other files use. node-sdk's "local" environment (what lib/xmtp uses when
 * no `apiUrl` is given) points at it while the file runs; at the end the node stops, the environment is
 * restored and the file's temp directory removed.
 */
import pino, { type Logger } from "pino";
import { afterAll, beforeAll } from "vitest";
import { ApiUrls } from "@xmtp/node-sdk";
import { pointLocalEnvAt } from "@/lib/xmtp/index.ts";
import { startXmtpNode, type XmtpNode } from "./server.ts";

export interface FileNode {
  /** The node last started (it may be stopped). */
  readonly node: XmtpNode;
  stop(): Promise<void>;
  /** Starts the node again on the same port, from its data directory. */
  start(): Promise<void>;
}

/** Registers the file's hooks: a node started before its tests and stopped after them. */
export function nodeOfThisFile(
  tmp: { remove(): void },
  o: { dataDir: string | null; log?: Logger },
): FileNode {
  const originalLocal = ApiUrls.local;
  const log = o.log ?? pino({ level: "warn" });
  let current: XmtpNode | undefined;
  const own: FileNode = {
    get node() {
      if (!current) throw new Error("the file's node has not started");
      return current;
    },
    stop: async () => current?.stop(),
    start: async () => {
      current = await startXmtpNode({ port: current?.port ?? 0, dataDir: o.dataDir, log });
    },
  };
  beforeAll(async () => {
    await own.start();
    pointLocalEnvAt(own.node.url);
  });
  afterAll(async () => {
    await own.stop();
    pointLocalEnvAt(originalLocal);
    tmp.remove();
  });
  return own;
}
