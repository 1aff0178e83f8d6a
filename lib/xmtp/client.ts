/**
 * The one place that builds @xmtp/node-sdk clients (pinned to 6.1.0-nightly.20260726.b649d1a,
 * the build the Convos CLI ships; docs/local-xmtp-node.md §2.1 says why, and the way back to 5.5.0).
 *
 * - `env` comes from XMTP_ENV: `local` (default, the project's own node,
 *   workers/xmtp-node), `dev` or `production` (the public network).
 * - Device sync is off: it would create a sync group per client (one extra
 *   commit, welcome and queries) and needs a history-sync server that the
 *   local node does not serve.
 * - Never sets `gatewayHost`: that switches the SDK to the d14n protocol,
 *   which the local node does not speak.
 * - Every call goes to `apiUrl` (node-sdk 6.x builds one backend from it). Without
 *   an `apiUrl` the client uses `ApiUrls[env]`; for `local` it is
 *   `localNodeUrl()`: localhost on XMTP_NODE_PORT (default 5556, node-sdk's own
 *   `local` URL, docs/local-xmtp-node.md §2.2), so a second stack on one machine
 *   (the e2e tests beside the xmtp test tier) moves node and clients together.
 *   `pointLocalEnvAt(url)` points a whole process (a test or bench owning a node
 *   on another port) at one node, whatever the setting says.
 * - Client databases live under `$DATA_DIR/xmtp/` and are encrypted with a
 *   32-byte key; they must be wiped together with the local node's state
 *   (`npm run reset-local`).
 */
import { settingNow } from "@/lib/config.ts";
import fs from "node:fs";
import { clientDbPath, xmtpDbDir } from "./paths.ts";
import { ApiUrls, Client, type ClientOptions, type Signer, type XmtpEnv } from "@xmtp/node-sdk";

/** A content codec as the SDK takes it (the SDK does not export the type itself). */
export type ContentCodec = NonNullable<ClientOptions["codecs"]>[number];

export type SupportedEnv = "local" | "dev" | "production";

/** Stream retry delay: the SDK's 60 s default makes recovery after a node restart far too slow. */
export const STREAM_RETRY_DELAY_MS = 300;

/** The XMTP environment from XMTP_ENV (default `local`); throws on anything else. */
export function xmtpEnv(value?: string): SupportedEnv {
  if (value === undefined) return settingNow("XMTP_ENV");
  const env = value.trim() !== "" ? value.trim() : "local";
  if (env !== "local" && env !== "dev" && env !== "production") {
    throw new Error(`XMTP_ENV must be local, dev or production, not "${env}"`);
  }
  return env;
}

/**
 * Stream options to spread into every SDK stream call: a short retry delay.
 * Note on restarts (workers/xmtp-node/restart.test.ts): by default the SDK runs
 * syncAll() before (re)starting a stream, so messages published while a stream
 * was down land in the database but are not emitted. Pass `disableSync: true`
 * to have them emitted by the stream instead (the node replays from the
 * client's cursor), which is what a bot that reacts to every message wants.
 */
export function streamOptions<T extends object = object>(extra?: T): T & { retryDelay: number } {
  return { ...(extra as T), retryDelay: STREAM_RETRY_DELAY_MS };
}

let pointedAt: string | undefined;

/** Points this process's `local` environment (the default `apiUrl` of createXmtpClient) at the node at `url`. */
export function pointLocalEnvAt(url: string): void {
  pointedAt = url;
  (ApiUrls as Record<XmtpEnv, string>).local = url;
}

/** Where `local` clients go: the node pointLocalEnvAt named, else localhost on XMTP_NODE_PORT. */
export function localNodeUrl(): string {
  return pointedAt ?? `http://localhost:${settingNow("XMTP_NODE_PORT")}`;
}

export interface CreateXmtpClientOptions<C extends ContentCodec[]> {
  signer: Signer;
  /** 32 bytes; the same key must be given again to reopen the database. */
  dbEncryptionKey: Uint8Array;
  /** Full database path, or null for in-memory. Default: `<xmtpDbDir()>/<env>-<inboxId>.db3`. */
  dbPath?: string | null;
  env?: SupportedEnv;
  /** The product data directory whose `xmtp/` folder holds the database (default: DATA_DIR). */
  dataDir?: string;
  /** Default: `ApiUrls[env]`, and `localNodeUrl()` for `local`. */
  apiUrl?: string;
  codecs?: C;
  /** Skip registration (then call `client.register()` yourself). */
  disableAutoRegister?: boolean;
  appVersion?: string;
  /**
   * One database connection instead of node-sdk 6.x's pool (5 kept open per
   * client by default): for a process holding many clients, like the worker.
   */
  singleDbConnection?: boolean;
}

/** Creates (registering if new) or reopens the client of `signer` with the project's options. */
export async function createXmtpClient<C extends ContentCodec[] = []>(options: CreateXmtpClientOptions<C>) {
  const env = options.env ?? xmtpEnv();
  if (options.dbEncryptionKey.length !== 32) throw new Error("dbEncryptionKey must be 32 bytes");
  const dbDir = xmtpDbDir(options.dataDir);
  if (options.dbPath === undefined) fs.mkdirSync(dbDir, { recursive: true });
  const clientOptions: ClientOptions & { codecs?: C } = {
    env,
    apiUrl: options.apiUrl ?? (env === "local" ? localNodeUrl() : ApiUrls[env]),
    dbPath:
      options.dbPath === undefined
        ? (inboxId: string) => clientDbPath(env, inboxId, options.dataDir)
        : options.dbPath,
    dbEncryptionKey: options.dbEncryptionKey,
    disableDeviceSync: true,
    historySyncUrl: null,
    disableAutoRegister: options.disableAutoRegister,
    appVersion: options.appVersion ?? "convos-agents/0.1.0",
    codecs: options.codecs,
    // Spread, not a property: node-sdk 5.x (the way back) has no such option.
    ...(options.singleDbConnection ? { useSingleConnection: true } : {}),
  };
  return Client.create(options.signer, clientOptions);
}

/**
 * Releases a client: node-sdk 6.x's `close()` ends its background workers and
 * detached streams and lets go of its database connections; safe to call
 * twice. node-sdk 5.x clients have no `close()` (nothing to do), so a
 * deployment pinned back to 5.5.0 still builds and runs.
 */
export async function closeXmtpClient(client: object): Promise<void> {
  const close = (client as { close?: () => Promise<void> }).close;
  if (typeof close === "function") await close.call(client);
}
