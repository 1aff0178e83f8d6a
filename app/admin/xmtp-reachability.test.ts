/** /admin's XMTP line as the server renders it, on a real PostgreSQL: the workers' verdict and their latest error. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { registerWorker } from "@/lib/workers/worker-status";
import {
  recordXmtpReached,
  recordXmtpUnreachable,
  XMTP_UNREACHABLE_AFTER,
} from "@/lib/workers/xmtp-reachability";
import { withTestDatabase } from "@/test/db";
import { XmtpReachability } from "./xmtp-reachability";

withTestDatabase();

const render = async () => renderToStaticMarkup(await XmtpReachability()).replaceAll("<!-- -->", "");

describe("/admin's XMTP line", () => {
  it("says the network is unreachable, with the worker's error, until a worker gets through", async () => {
    expect(await render()).toContain("XMTP network: <strong>unknown</strong>");
    await registerWorker({ workerId: "w", homeKey: "h", maxAgents: 5, rssBytes: 1n });
    for (let i = 0; i < XMTP_UNREACHABLE_AFTER; i++)
      await recordXmtpUnreachable("w", "Error: tcp connect error: Connection refused");
    const down = await render();
    expect(down).toContain('role="alert"');
    expect(down).toContain("the XMTP network is unreachable");
    expect(down).toContain("(Error: tcp connect error: Connection refused)");
    await recordXmtpReached("w");
    expect(await render()).toContain("XMTP network: <strong>reachable</strong>");
  });
});
