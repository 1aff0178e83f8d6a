import path from "node:path";
import { dataDirFromEnv } from "@/lib/xmtp/paths.ts";

/** The node's own folder inside the product data directory. */
export const XMTP_NODE_SUBDIR = "xmtp-node";

/** Where the node keeps its state for a product data directory (default `$DATA_DIR`, else `.data`). */
export function xmtpNodeDataDir(dataDir = dataDirFromEnv()): string {
  return path.join(dataDir, XMTP_NODE_SUBDIR);
}
