/**
 * The node's per-RPC semantics (docs/local-xmtp-node.md §6) checked on the wire with a raw gRPC
 * client against a node this file owns (in-memory, ephemeral port): paging,
 * dedupe, request-order answers, validation, subscriptions (headers at once,
 * replay + live without duplicates), persistence across a restart, and the
 * UNIMPLEMENTED fallback with its log line (acceptance 10).
 */
import fs from "node:fs";
import path from "node:path";
import { Client as GrpcClient, credentials, Metadata, status } from "@grpc/grpc-js";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXmtpNode, type XmtpNode } from "./server.ts";
import { callRaw, callTyped } from "./raw-client.ts";
import { decode, encode } from "./schema.ts";
import { LOG_FILE } from "./persistence.ts";
import { newUser, tempDir } from "@/test/xmtp-clients.ts";
import { ApiUrls } from "@xmtp/node-sdk";
import { pointLocalEnvAt } from "@/lib/xmtp/index.ts";

const MLS = "xmtp.mls.api.v1";
const logLines: string[] = [];
const log = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
let node: XmtpNode;
const tmp = tempDir("xmtp-wire-");

beforeAll(async () => {
  node = await startXmtpNode({ port: 0, dataDir: null, log });
});
afterAll(async () => {
  await node.stop();
  tmp.remove();
});

const vec = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]); // lengths < 64: 1-byte varint
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
let unique = 0;
const newGroupId = () => Buffer.from(`group-${++unique}-${Math.random()}`);

/** A minimal TLS MLSMessage: PrivateMessage (application) or PublicMessage from a member with a commit. */
function mlsMessage(groupId: Buffer, body: string, commit = false): Buffer {
  const head = [u16(1), u16(commit ? 1 : 2), vec(groupId), Buffer.alloc(8)];
  const tail = commit
    ? [Buffer.from([1]), Buffer.alloc(4), vec(Buffer.alloc(0)), Buffer.from([3])]
    : [Buffer.from([1])];
  return Buffer.concat([...head, ...tail, Buffer.from(body)]);
}

function keyPackage(installationKey: Buffer, extra: string): Buffer {
  return Buffer.concat([
    u16(1),
    u16(3),
    vec(Buffer.from("init")),
    vec(Buffer.from("enc")),
    vec(installationKey),
    Buffer.from(extra),
  ]);
}

const mls = <T>(method: string, request: object) =>
  callTyped<T>(node.url, "MlsApi", method, request, `${MLS}.${method}Request`, `${MLS}.${method}Response`);
const mlsEmpty = (method: string, request: object) =>
  callTyped<object>(node.url, "MlsApi", method, request, `${MLS}.${method}Request`, `${MLS}.Empty`);

interface GroupMessages {
  messages: Array<{ v1: { id: string; data?: Buffer; is_commit?: boolean } }>;
  paging_info: { direction: number; limit: number; id_cursor?: string };
}
const queryGroup = (groupId: Buffer, paging?: object) =>
  mls<GroupMessages>("QueryGroupMessages", { group_id: groupId, paging_info: paging });
const send = (...data: Buffer[]) =>
  mlsEmpty("SendGroupMessages", { messages: data.map((d) => ({ v1: { data: d } })) });

describe("group messages", () => {
  it("stores, dedupes, flags commits and pages by node-go's rules", async () => {
    const g = newGroupId();
    const m = [1, 2, 3, 4, 5].map((i) => mlsMessage(g, `m${i}`));
    await send(m[0], m[1], m[0]); // duplicate inside the batch
    await send(m[1], m[2], m[3], m[4]); // m[1] again: skipped
    await send(mlsMessage(g, "c", true));

    const all = await queryGroup(g, { direction: 1, limit: 100 });
    expect(all.messages.map((x) => x.v1.data!.toString().slice(-2))).toEqual([
      "m1",
      "m2",
      "m3",
      "m4",
      "m5",
      "\u0003c",
    ]);
    expect(all.messages.map((x) => x.v1.is_commit ?? false)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    const ids = all.messages.map((x) => Number(x.v1.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(all.paging_info).toMatchObject({ direction: 1, limit: 100 });
    expect(all.paging_info.id_cursor ?? "0").toBe("0"); // not a full page

    const page1 = await queryGroup(g, { direction: 1, limit: 2 });
    expect(page1.messages.map((x) => Number(x.v1.id))).toEqual(ids.slice(0, 2));
    expect(page1.paging_info.id_cursor).toBe(String(ids[1])); // full page: cursor = last id
    const page2 = await queryGroup(g, { direction: 1, limit: 2, id_cursor: page1.paging_info.id_cursor });
    expect(page2.messages.map((x) => Number(x.v1.id))).toEqual(ids.slice(2, 4));

    const newestFirst = await queryGroup(g); // no paging_info: descending, limit 100
    expect(newestFirst.messages.map((x) => Number(x.v1.id))).toEqual([...ids].reverse());
    expect(newestFirst.paging_info).toMatchObject({ direction: 2, limit: 100 });
    const below = await queryGroup(g, { direction: 2, limit: 2, id_cursor: String(ids[3]) });
    expect(below.messages.map((x) => Number(x.v1.id))).toEqual([ids[2], ids[1]]);
  });

  it("answers GetNewestGroupMessage in request order, metadata only unless asked", async () => {
    const g1 = newGroupId();
    const g2 = newGroupId();
    await send(mlsMessage(g1, "old"), mlsMessage(g1, "new"));
    type Newest = { responses: Array<{ group_message?: { v1: { data?: Buffer; group_id: Buffer } } }> };
    const meta = await mls<Newest>("GetNewestGroupMessage", { group_ids: [g2, g1] });
    expect(meta.responses[0].group_message).toBeUndefined();
    expect(meta.responses[1].group_message!.v1.group_id.equals(g1)).toBe(true);
    expect(meta.responses[1].group_message!.v1.data).toBeUndefined();
    const full = await mls<Newest>("GetNewestGroupMessage", { group_ids: [g1], include_content: true });
    expect(full.responses[0].group_message!.v1.data!.toString()).toMatch(/new$/);
  });

  it("rejects malformed input with INVALID_ARGUMENT and a readable reason, storing nothing", async () => {
    const g = newGroupId();
    const badWireFormat = Buffer.concat([u16(1), u16(5), vec(g), Buffer.alloc(9)]);
    await expect(send(mlsMessage(g, "ok"), badWireFormat)).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      message: /wire_format 5/,
    });
    expect((await queryGroup(g, { direction: 1 })).messages).toHaveLength(0);
    await expect(send(Buffer.alloc(0))).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(queryGroup(Buffer.alloc(0))).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(send(Buffer.concat([u16(1), u16(2), Buffer.from([0xc0])]))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });
});

describe("subscriptions", () => {
  it("sends headers at once, replays above the cursor, then goes live without duplicates", async () => {
    const g = newGroupId();
    const other = newGroupId();
    await send(mlsMessage(g, "a"), mlsMessage(g, "b"), mlsMessage(g, "c"));
    const ids = (await queryGroup(g, { direction: 1 })).messages.map((x) => x.v1.id);

    const client = new GrpcClient(node.url.replace("http://", ""), credentials.createInsecure());
    const call = client.makeServerStreamRequest(
      `/${MLS}.MlsApi/SubscribeGroupMessages`,
      (v: Buffer) => v,
      (b: Buffer) => decode<{ v1: { id: string; data: Buffer } }>(`${MLS}.GroupMessage`, b),
      encode(`${MLS}.SubscribeGroupMessagesRequest`, {
        filters: [{ group_id: g, id_cursor: ids[0] }, { group_id: newGroupId() }],
      }),
      new Metadata(),
    );
    const got: string[] = [];
    let headersBeforeData = false;
    call.on("metadata", () => (headersBeforeData = got.length === 0));
    call.on("data", (m: { v1: { data: Buffer } }) => got.push(m.v1.data.toString().slice(-1)));
    call.on("error", () => {});
    try {
      await expect.poll(() => got).toEqual(["b", "c"]);
      expect(headersBeforeData).toBe(true);
      await send(mlsMessage(g, "c"), mlsMessage(other, "x"), mlsMessage(g, "d")); // "c" is a dup, "x" is another group
      await expect.poll(() => got).toEqual(["b", "c", "d"]);
      expect(node.openStreams()).toBe(1);
    } finally {
      call.cancel();
      client.close();
    }
    await expect.poll(() => node.openStreams()).toBe(0);
  });

  it("sends headers before any message exists", async () => {
    const client = new GrpcClient(node.url.replace("http://", ""), credentials.createInsecure());
    const call = client.makeServerStreamRequest(
      `/${MLS}.MlsApi/SubscribeWelcomeMessages`,
      (v: Buffer) => v,
      (b: Buffer) => b,
      encode(`${MLS}.SubscribeWelcomeMessagesRequest`, {
        filters: [{ installation_key: Buffer.from("nobody") }],
      }),
      new Metadata(),
    );
    call.on("error", () => {});
    try {
      await new Promise<void>((resolve) => call.on("metadata", () => resolve()));
    } finally {
      call.cancel();
      client.close();
    }
  });
});

describe("welcomes, key packages, identity, commit log", () => {
  it("keeps the welcome variant, fills id and created_ns, and dedupes", async () => {
    const key = Buffer.from(`install-${Math.random()}`);
    const v1 = {
      installation_key: key,
      data: Buffer.from("welcome"),
      hpke_public_key: Buffer.from("hpke"),
      wrapper_algorithm: 2,
      welcome_metadata: Buffer.from("meta"),
    };
    const pointer = {
      installation_key: key,
      welcome_pointer: Buffer.from("ptr"),
      hpke_public_key: Buffer.from("hpke"),
      wrapper_algorithm: 1,
    };
    await mlsEmpty("SendWelcomeMessages", { messages: [{ v1 }, { welcome_pointer: pointer }, { v1 }] });
    type Welcomes = {
      messages: Array<{ v1?: Record<string, unknown>; welcome_pointer?: Record<string, unknown> }>;
    };
    const result = await mls<Welcomes>("QueryWelcomeMessages", {
      installation_key: key,
      paging_info: { direction: 1 },
    });
    expect(result.messages).toHaveLength(2);
    expect(result.messages[0].v1).toMatchObject({
      data: Buffer.from("welcome"),
      welcome_metadata: Buffer.from("meta"),
      wrapper_algorithm: 2,
    });
    expect(Number(result.messages[0].v1!.created_ns)).toBeGreaterThan(0);
    expect(result.messages[1].welcome_pointer).toMatchObject({
      welcome_pointer: Buffer.from("ptr"),
      wrapper_algorithm: 1,
    });
    await expect(mlsEmpty("SendWelcomeMessages", { messages: [{}] })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  it("upserts key packages by installation key and fetches them in request order", async () => {
    const k1 = Buffer.from(`k1-${Math.random()}`);
    const k2 = Buffer.from(`k2-${Math.random()}`);
    await mlsEmpty("UploadKeyPackage", {
      key_package: { key_package_tls_serialized: keyPackage(k1, "old") },
    });
    await mlsEmpty("UploadKeyPackage", {
      key_package: { key_package_tls_serialized: keyPackage(k1, "new") },
    });
    await mlsEmpty("UploadKeyPackage", {
      key_package: { key_package_tls_serialized: keyPackage(k2, "two") },
    });
    type Fetched = { key_packages: Array<{ key_package_tls_serialized?: Buffer }> };
    const fetched = await mls<Fetched>("FetchKeyPackages", {
      installation_keys: [k2, Buffer.from("unknown"), k1],
    });
    expect(fetched.key_packages.map((k) => k.key_package_tls_serialized?.toString().slice(-3) ?? "")).toEqual(
      ["two", "", "new"],
    );
  });

  it("leaves inbox_id unset for unknown identifiers and says no to smart-contract wallets", async () => {
    type Ids = { responses: Array<{ identifier: string; inbox_id?: string }> };
    const ids = await callTyped<Ids>(
      node.url,
      "IdentityApi",
      "GetInboxIds",
      { requests: [{ identifier: "0xabc", identifier_kind: 1 }] },
      "xmtp.identity.api.v1.GetInboxIdsRequest",
      "xmtp.identity.api.v1.GetInboxIdsResponse",
    );
    expect(ids.responses[0].identifier).toBe("0xabc");
    expect("inbox_id" in ids.responses[0]).toBe(false);
    type Scw = { responses: Array<{ is_valid?: boolean; error?: string }> };
    const scw = await callTyped<Scw>(
      node.url,
      "IdentityApi",
      "VerifySmartContractWalletSignatures",
      { signatures: [Buffer.from("s")] },
      "xmtp.identity.api.v1.VerifySmartContractWalletSignaturesRequest",
      "xmtp.identity.api.v1.VerifySmartContractWalletSignaturesResponse",
    );
    expect(scw.responses[0].is_valid ?? false).toBe(false);
    expect(scw.responses[0].error).toMatch(/not supported/);
  });

  it("bounds commit-log batches and returns entries ascending with their sequence ids", async () => {
    const g = newGroupId();
    const entry = (i: number) => ({
      group_id: g,
      serialized_commit_log_entry: Buffer.from(`e${i}`),
      signature: Buffer.from("sig"),
    });
    await expect(
      mlsEmpty("BatchPublishCommitLog", { requests: Array.from({ length: 11 }, (_, i) => entry(i)) }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(mlsEmpty("BatchPublishCommitLog", { requests: [] })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    await mlsEmpty("BatchPublishCommitLog", { requests: [entry(1), entry(2), entry(3)] });
    type Log = {
      responses: Array<{
        group_id: Buffer;
        commit_log_entries: Array<{ sequence_id: string; serialized_commit_log_entry: Buffer }>;
      }>;
    };
    const result = await mls<Log>("BatchQueryCommitLog", {
      requests: [{ group_id: g, paging_info: { limit: 2 } }],
    });
    expect(result.responses[0].group_id.equals(g)).toBe(true);
    expect(
      result.responses[0].commit_log_entries.map((e) => e.serialized_commit_log_entry.toString()),
    ).toEqual(["e1", "e2"]);
    await expect(
      mls("BatchQueryCommitLog", { requests: Array.from({ length: 21 }, () => ({ group_id: g })) }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });
});

describe("unknown methods (acceptance 10)", () => {
  it("answers UNIMPLEMENTED, logs the full path at warn level and counts it", async () => {
    for (const methodPath of [
      "/xmtp.xmtpv4.payer_api.PayerApi/GetNodes",
      `/${MLS}.MlsApi/RevokeInstallation`,
    ]) {
      const result = await callRaw(node.url, methodPath);
      expect(result.code).toBe(status.UNIMPLEMENTED);
      const line = logLines.map((l) => JSON.parse(l)).find((l) => l.path === methodPath);
      expect(line).toMatchObject({ level: 40, msg: expect.stringMatching(/unknown method/) });
      expect(node.callCounts()[methodPath]).toBe(1);
    }
  });
});

describe("RPC sequence of a real client (§4)", () => {
  it("registers a new inbox with GetInboxIds x2, GetIdentityUpdates, UploadKeyPackage, PublishIdentityUpdate", async () => {
    const original = ApiUrls.local;
    pointLocalEnvAt(node.url); // so no call of the step can reach the shared node on 5556 (§2.2)
    try {
      const before = node.callCounts();
      await newUser(tmp.dir, { apiUrl: node.url });
      const after = node.callCounts();
      const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
      expect(delta("IdentityApi/GetInboxIds")).toBe(2);
      expect(delta("MlsApi/UploadKeyPackage")).toBe(1);
      expect(delta("IdentityApi/PublishIdentityUpdate")).toBe(1);
      expect(delta("IdentityApi/GetIdentityUpdates")).toBeGreaterThanOrEqual(1);
      expect(Object.keys(after).filter((k) => k.startsWith("/"))).toEqual(
        Object.keys(before).filter((k) => k.startsWith("/")),
      );
    } finally {
      pointLocalEnvAt(original);
    }
  });
});

describe("persistence", () => {
  it("restores every kind of state and the id counter after a restart, ignoring a torn last line", async () => {
    const dir = path.join(tmp.dir, "persist");
    let own = await startXmtpNode({ port: 0, dataDir: dir, log: pino({ level: "silent" }) });
    const g = newGroupId();
    const call = (method: string, request: object) =>
      callTyped<GroupMessages>(
        own.url,
        "MlsApi",
        method,
        request,
        `${MLS}.${method}Request`,
        method === "QueryGroupMessages" ? `${MLS}.QueryGroupMessagesResponse` : `${MLS}.Empty`,
      );
    await call("SendGroupMessages", { messages: [{ v1: { data: mlsMessage(g, "p1") } }] });
    const before = await call("QueryGroupMessages", { group_id: g, paging_info: { direction: 1 } });
    await own.stop();
    fs.appendFileSync(path.join(dir, LOG_FILE), '{"t":"groupMessage","id":99'); // a write cut by a crash

    own = await startXmtpNode({ port: 0, dataDir: dir, log: pino({ level: "silent" }) });
    try {
      await call("SendGroupMessages", {
        messages: [{ v1: { data: mlsMessage(g, "p1") } }, { v1: { data: mlsMessage(g, "p2") } }],
      });
      const after = await call("QueryGroupMessages", { group_id: g, paging_info: { direction: 1 } });
      expect(after.messages.map((x) => x.v1.id).slice(0, 1)).toEqual(before.messages.map((x) => x.v1.id));
      expect(after.messages).toHaveLength(2); // p1 deduped against the persisted copy
      expect(Number(after.messages[1].v1.id)).toBeGreaterThan(Number(after.messages[0].v1.id));
    } finally {
      await own.stop();
    }
  });
});
