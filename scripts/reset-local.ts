/**
 * `npm run reset-local`: wipes the local XMTP node's state AND every client
 * database under DATA_DIR, together (docs/local-xmtp-node.md §7: keeping one without the other
 * breaks the clients). It refuses while something answers on the node's port:
 * a running node keeps its state in memory and would keep serving it.
 */
import fs from "node:fs";
import net from "node:net";
import { settingNow } from "@/lib/config.ts";
import { dataDirFromEnv, xmtpDbDir } from "@/lib/xmtp/paths.ts";
import { xmtpNodeDataDir } from "@/workers/xmtp-node/paths.ts";

const port = settingNow("XMTP_NODE_PORT");
const listening = await new Promise<boolean>((resolve) => {
  const socket = net.connect({ host: "127.0.0.1", port }, () => (socket.destroy(), resolve(true)));
  socket.on("error", () => resolve(false));
});
if (listening) {
  console.error(`[reset-local] something is listening on 127.0.0.1:${port} (the XMTP node?); stop it first`);
  process.exit(1);
}

const dataDir = dataDirFromEnv();
for (const dir of [xmtpNodeDataDir(dataDir), xmtpDbDir(dataDir)]) {
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`[reset-local] removed ${dir}`);
}
console.log("[reset-local] local XMTP network reset: node state and client databases wiped together");
