/**
 * The local XMTP node: a gRPC server over plaintext HTTP/2 serving the v3
 * `IdentityApi` and `MlsApi` subset that @xmtp/node-sdk needs
 * (docs/local-xmtp-node.md). For development, tests and
 * offline demos only: it checks no signature and is not a security boundary,
 * so it binds to loopback only.
 *
 * Unknown methods and services answer UNIMPLEMENTED (grpc-js does that by
 * itself) and are logged at warn level with their full path, so that a newer
 * libxmtp calling new RPCs shows up at once. grpc-js has no public hook for
 * unknown paths; the node wraps the server's `_retrieveHandler` (grpc-js is
 * pinned exactly, and start-up fails loudly if that method disappears).
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import pino, { type Logger } from "pino";
import { XMTP_NODE_SUBDIR, xmtpNodeDataDir } from "./paths.ts";
import { openEventLog } from "./persistence.ts";
import { Store } from "./store.ts";
import { serviceDefinition } from "./schema.ts";
import { identityService } from "./identity-service.ts";
import { mlsService } from "./mls-service.ts";
import { subscriptionHandlers } from "./subscriptions.ts";
import { CallCounts, wrapService } from "./handlers.ts";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 5556;
/**
 * The largest request the node accepts. grpc-js's 4 MB default is too small for MLS commits of big
 * groups and attachments; no cap at all lets one client make the node buffer (and log, and replay)
 * anything it likes. 32 MiB is well above what node-sdk sends.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
export { XMTP_NODE_SUBDIR, xmtpNodeDataDir };

export interface XmtpNodeOptions {
  host?: string;
  /**
   * 0 picks a free port. Default 5556: node-sdk's `local` environment points there, so clients built
   * without an `apiUrl` find the node (docs/local-xmtp-node.md §2.2).
   */
  port?: number;
  /** The node's own directory (see `xmtpNodeDataDir`), or null for in-memory state. Default `xmtpNodeDataDir()`. */
  dataDir?: string | null;
  log?: Logger;
  /** Requests larger than this are refused with RESOURCE_EXHAUSTED. Default DEFAULT_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
}

export interface XmtpNode {
  port: number;
  /** `http://127.0.0.1:<port>`, usable as the SDK's `apiUrl`. */
  url: string;
  /** Cuts every call and stream (clients see a failure and retry) and closes the port. */
  stop(): Promise<void>;
  /** Calls per `Service/Method` since start (unknown methods under their full path). */
  callCounts(): Record<string, number>;
  /** Calls answered UNIMPLEMENTED since start, per full method path: empty while clients need nothing the node lacks. */
  unimplementedCalls(): Record<string, number>;
  /** Subscription streams currently open. */
  openStreams(): number;
}

const KNOWN_SERVICES = ["xmtp.identity.api.v1.IdentityApi", "xmtp.mls.api.v1.MlsApi"];

/** Starts a node on loopback, loaded from its data dir; resolves once it accepts calls. */
export async function startXmtpNode(options: XmtpNodeOptions = {}): Promise<XmtpNode> {
  const host = options.host ?? DEFAULT_HOST;
  const dataDir = options.dataDir === undefined ? xmtpNodeDataDir() : options.dataDir;
  const log = options.log ?? pino({ name: "xmtp-node", level: "info" });
  const eventLog = openEventLog(dataDir);
  const store = new Store(eventLog);
  const counts = new CallCounts();
  const unimplemented = new CallCounts();
  const streams = { count: 0 };

  // Answers are not capped: a page of stored messages is bounded by what was accepted.
  const server = new Server({
    "grpc.max_receive_message_length": options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": -1,
  });
  logUnknownMethods(server, [counts, unimplemented], log);
  server.addService(
    serviceDefinition(KNOWN_SERVICES[0]),
    wrapService("IdentityApi", identityService(store), {}, counts, log),
  );
  server.addService(
    serviceDefinition(KNOWN_SERVICES[1]),
    wrapService("MlsApi", mlsService(store), subscriptionHandlers(store, log, streams), counts, log),
  );

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${host}:${options.port ?? DEFAULT_PORT}`,
      ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  const url = `http://${host}:${port}`;
  log.info({ url, data: eventLog.file ?? "in-memory" }, "xmtp node listening");

  let stopped: Promise<void> | undefined;
  return {
    port,
    url,
    callCounts: () => counts.snapshot(),
    unimplementedCalls: () => unimplemented.snapshot(),
    openStreams: () => streams.count,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        // Subscriptions never end by themselves, so a graceful tryShutdown would
        // wait forever; cut everything, as a crashed or restarted node would.
        server.forceShutdown();
        log.info({ url }, "xmtp node stopped");
        resolve();
      });
      return stopped;
    },
  };
}

function logUnknownMethods(server: Server, counters: CallCounts[], log: Logger): void {
  const target = server as unknown as { _retrieveHandler?: (path: string) => unknown };
  const original = target._retrieveHandler;
  if (typeof original !== "function") {
    throw new Error(
      "grpc-js Server._retrieveHandler is gone: update logUnknownMethods for this grpc-js version",
    );
  }
  target._retrieveHandler = function (this: Server, methodPath: string) {
    const handler = original.call(this, methodPath);
    if (!handler) {
      for (const counts of counters) counts.add(methodPath);
      log.warn({ path: methodPath }, "unknown method: answering UNIMPLEMENTED");
    }
    return handler;
  };
}
