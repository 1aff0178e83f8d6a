/**
 * `xmtp.mls.api.v1.MlsApi`, unary methods (docs/local-xmtp-node.md §6.3–§6.7, §6.9). Payloads
 * stay opaque except for the few TLS fields read in mls-wire.ts. Every
 * publishing method builds its whole batch before committing it, so a request
 * with one bad entry stores nothing.
 */
import type { Event } from "./persistence.ts";
import {
  groupMessageKey,
  nowNs,
  welcomeKey,
  type GroupMessageRow,
  type Store,
  type WelcomeRow,
} from "./store.ts";
import type { GroupMessageV1, PagingInfo, WelcomePointerInput, WelcomeV1Input } from "./schema.ts";
import { check } from "./rpc-error.ts";
import { keyPackageInstallationKey, parseGroupMessage } from "./mls-wire.ts";
import { page } from "./paging.ts";
import type { UnaryHandlers } from "./handlers.ts";

const MAX_COMMIT_LOG_PUBLISH = 10;
const MAX_COMMIT_LOG_QUERIES = 20;
const EMPTY = Buffer.alloc(0);

/** The wire form of a stored group message; metadata only unless `withContent`. */
export function groupMessageOut(row: GroupMessageRow, withContent = true): { v1: GroupMessageV1 } {
  const meta = {
    id: String(row.id),
    created_ns: row.createdNs,
    group_id: row.groupId,
    is_commit: row.isCommit,
  };
  return {
    v1: withContent
      ? { ...meta, data: row.data, sender_hmac: row.senderHmac, should_push: row.shouldPush }
      : meta,
  };
}

/** The wire form of a stored welcome, in the variant it arrived in. */
export function welcomeOut(row: WelcomeRow): object {
  const common = {
    id: String(row.id),
    created_ns: row.createdNs,
    installation_key: row.installationKey,
    hpke_public_key: row.hpkePublicKey,
    wrapper_algorithm: row.wrapperAlgorithm,
  };
  return row.variant === "v1"
    ? { v1: { ...common, data: row.payload, welcome_metadata: row.welcomeMetadata } }
    : { welcome_pointer: { ...common, welcome_pointer: row.payload } };
}

interface KeyPackageRequest {
  key_package?: { key_package_tls_serialized?: Buffer };
}

function keyPackageEvent(req: KeyPackageRequest): Extract<Event, { t: "keyPackage" }> {
  const keyPackage = req.key_package?.key_package_tls_serialized;
  check(keyPackage && keyPackage.length > 0, "key_package.key_package_tls_serialized is required");
  return {
    t: "keyPackage",
    installationKey: keyPackageInstallationKey(keyPackage),
    keyPackage: Buffer.from(keyPackage),
  };
}

type GroupMessageInput = { v1?: { data?: Buffer; sender_hmac?: Buffer; should_push?: boolean } };
type WelcomeInput = { version?: string; v1?: WelcomeV1Input; welcome_pointer?: WelcomePointerInput };
type CommitLogInput = { group_id?: Buffer; serialized_commit_log_entry?: Buffer; signature?: Buffer };
type CommitLogQuery = { group_id?: Buffer; paging_info?: PagingInfo };

/** The events that store a batch of group messages; ones already stored, or twice in the batch, are left out. */
function groupMessageEvents(store: Store, messages: GroupMessageInput[]): Event[] {
  const events: Event[] = [];
  const batchKeys = new Set<string>();
  for (const input of messages) {
    const data = input.v1?.data;
    check(data && data.length > 0, "group message v1.data is required");
    const { groupId, isCommit } = parseGroupMessage(data);
    const key = groupMessageKey(groupId, data);
    if (store.isStored(key) || batchKeys.has(key)) continue; // publishing is idempotent
    batchKeys.add(key);
    events.push({
      t: "groupMessage",
      id: store.nextId(),
      createdNs: nowNs(),
      groupId,
      data: Buffer.from(data),
      senderHmac: Buffer.from(input.v1?.sender_hmac ?? EMPTY),
      shouldPush: input.v1?.should_push ?? false,
      isCommit,
    });
  }
  return events;
}

/** The events that store a batch of welcomes, in the variant each came in; duplicates are left out. */
function welcomeEvents(store: Store, messages: WelcomeInput[]): Event[] {
  const events: Event[] = [];
  const batchKeys = new Set<string>();
  for (const input of messages) {
    const variant = input.v1 ? "v1" : input.welcome_pointer ? "welcome_pointer" : undefined;
    check(variant, "a welcome message needs v1 or welcome_pointer");
    const body = (input.v1 ?? input.welcome_pointer)!;
    const installationKey = body.installation_key;
    check(installationKey && installationKey.length > 0, "welcome installation_key is required");
    const payload = (variant === "v1" ? input.v1?.data : input.welcome_pointer?.welcome_pointer) ?? EMPTY;
    const key = welcomeKey(installationKey, payload);
    if (store.isStored(key) || batchKeys.has(key)) continue;
    batchKeys.add(key);
    events.push({
      t: "welcome",
      id: store.nextId(),
      createdNs: nowNs(),
      installationKey: Buffer.from(installationKey),
      variant,
      payload: Buffer.from(payload),
      hpkePublicKey: Buffer.from(body.hpke_public_key ?? EMPTY),
      wrapperAlgorithm: body.wrapper_algorithm ?? 0,
      welcomeMetadata: Buffer.from(input.v1?.welcome_metadata ?? EMPTY),
    });
  }
  return events;
}

/** The events that append a batch of commit-log entries (1 to MAX_COMMIT_LOG_PUBLISH of them). */
function commitLogEvents(store: Store, requests: CommitLogInput[]): Event[] {
  const n = requests.length;
  check(
    n > 0 && n <= MAX_COMMIT_LOG_PUBLISH,
    `a commit-log batch holds 1 to ${MAX_COMMIT_LOG_PUBLISH} entries, got ${n}`,
  );
  return requests.map((entry) => {
    check(entry.group_id && entry.group_id.length > 0, "commit-log entry group_id is required");
    check(
      entry.serialized_commit_log_entry?.length,
      "commit-log entry serialized_commit_log_entry is required",
    );
    return {
      t: "commitLog",
      sequenceId: store.nextId(),
      groupId: Buffer.from(entry.group_id),
      entry: Buffer.from(entry.serialized_commit_log_entry),
      signature: Buffer.from(entry.signature ?? EMPTY),
    };
  });
}

/** One page of each group's commit log (1 to MAX_COMMIT_LOG_QUERIES queries). */
function commitLogPages(store: Store, requests: CommitLogQuery[]): object[] {
  const n = requests.length;
  check(
    n > 0 && n <= MAX_COMMIT_LOG_QUERIES,
    `a commit-log query batch holds 1 to ${MAX_COMMIT_LOG_QUERIES} queries, got ${n}`,
  );
  return requests.map(({ group_id, paging_info }) => {
    check(group_id && group_id.length > 0, "commit-log query group_id is required");
    const result = page(store.commitLogOf(group_id), (row) => row.sequenceId, paging_info, true);
    return {
      group_id,
      commit_log_entries: result.items.map((row) => ({
        sequence_id: String(row.sequenceId),
        serialized_commit_log_entry: row.entry,
        signature: row.signature,
      })),
      paging_info: result.paging_info,
    };
  });
}

/** The MlsApi unary methods, each answering exactly as §6 says. */
export function mlsService(store: Store): UnaryHandlers {
  return {
    UploadKeyPackage(req: KeyPackageRequest) {
      store.commit([keyPackageEvent(req)]);
      return {};
    },

    // Legacy, not called by the pinned SDK; cheap to keep (§6.3).
    RegisterInstallation(req: KeyPackageRequest) {
      const event = keyPackageEvent(req);
      store.commit([event]);
      return { installation_key: event.installationKey };
    },

    FetchKeyPackages(req: { installation_keys: Buffer[] }) {
      return {
        key_packages: req.installation_keys.map((key) => ({
          key_package_tls_serialized: store.keyPackage(key) ?? EMPTY,
        })),
      };
    },

    SendGroupMessages(req: { messages: GroupMessageInput[] }) {
      store.commit(groupMessageEvents(store, req.messages));
      return {};
    },

    SendWelcomeMessages(req: { messages: WelcomeInput[] }) {
      store.commit(welcomeEvents(store, req.messages));
      return {};
    },

    QueryGroupMessages(req: { group_id?: Buffer; paging_info?: PagingInfo }) {
      check(req.group_id && req.group_id.length > 0, "group_id is required");
      const result = page(store.groupMessagesOf(req.group_id), (row) => row.id, req.paging_info);
      return { messages: result.items.map((row) => groupMessageOut(row)), paging_info: result.paging_info };
    },

    QueryWelcomeMessages(req: { installation_key?: Buffer; paging_info?: PagingInfo }) {
      check(req.installation_key && req.installation_key.length > 0, "installation_key is required");
      const result = page(store.welcomesOf(req.installation_key), (row) => row.id, req.paging_info);
      return { messages: result.items.map(welcomeOut), paging_info: result.paging_info };
    },

    GetNewestGroupMessage(req: { group_ids: Buffer[]; include_content?: boolean }) {
      return {
        responses: req.group_ids.map((groupId) => {
          const rows = store.groupMessagesOf(groupId);
          const newest = rows[rows.length - 1];
          return newest ? { group_message: groupMessageOut(newest, req.include_content ?? false) } : {};
        }),
      };
    },

    BatchPublishCommitLog(req: { requests: CommitLogInput[] }) {
      store.commit(commitLogEvents(store, req.requests));
      return {};
    },

    BatchQueryCommitLog(req: { requests: CommitLogQuery[] }) {
      return { responses: commitLogPages(store, req.requests) };
    },
  };
}
