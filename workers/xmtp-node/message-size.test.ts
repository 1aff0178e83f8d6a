import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { callRaw } from "./raw-client.ts";
import { startXmtpNode, type XmtpNode } from "./server.ts";

let node: XmtpNode;
beforeAll(async () => {
  node = await startXmtpNode({
    port: 0,
    dataDir: null,
    log: pino({ level: "silent" }),
    maxMessageBytes: 64 * 1024,
  });
});
afterAll(() => node.stop());

const method = "/xmtp.mls.api.v1.MlsApi/SendGroupMessages";

describe("the local node's maximum message size", () => {
  it("refuses a request over the maximum with RESOURCE_EXHAUSTED, and stores nothing", async () => {
    const result = await callRaw(node.url, method, Buffer.alloc(65 * 1024, 1));
    expect(result.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(node.callCounts()["MlsApi/SendGroupMessages"] ?? 0).toBe(0);
  });

  it("still handles requests under the maximum", async () => {
    const result = await callRaw(node.url, method, Buffer.alloc(0));
    expect(result.code).not.toBe(status.RESOURCE_EXHAUSTED);
    expect(result.code).not.toBe(status.UNAVAILABLE);
    expect(node.callCounts()["MlsApi/SendGroupMessages"]).toBe(1);
  });
});
