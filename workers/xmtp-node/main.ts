/**
 * `npm run xmtp-node`: the local XMTP node on 127.0.0.1:5556 (XMTP_NODE_PORT),
 * with its state in $DATA_DIR/xmtp-node (DATA_DIR defaults to .data).
 * SIGINT or SIGTERM stop it cleanly; a second signal exits at once.
 */
import pino from "pino";
import { config } from "@/lib/config.ts";
import { startXmtpNode, xmtpNodeDataDir } from "./server.ts";

const { XMTP_NODE_PORT: port, XMTP_NODE_LOG_LEVEL } = config();
// Every call is logged at info; the run command lowers this to warn to keep the console readable.
const log = pino({ name: "xmtp-node", level: XMTP_NODE_LOG_LEVEL });
const node = await startXmtpNode({
  port,
  dataDir: xmtpNodeDataDir(),
  log,
  maxMessageBytes: config().XMTP_NODE_MAX_MESSAGE_BYTES,
});

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) process.exit(1);
  stopping = true;
  void node.stop().then(() => process.exit(0));
  setTimeout(() => process.exit(1), 5_000).unref(); // watchdog
  console.error(`[xmtp-node] ${signal}: stopping`);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
