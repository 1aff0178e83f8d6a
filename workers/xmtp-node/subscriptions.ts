/**
 * `SubscribeGroupMessages` and `SubscribeWelcomeMessages` (docs/local-xmtp-node.md §6.8).
 *
 * - Response headers go out at once: tonic (the SDK's gRPC client) waits for
 *   them before handing the stream to libxmtp, so without them a subscription
 *   stalls until the first message.
 * - Each stream keeps a high-water mark per key (group id or installation
 *   key), starting at the filter's `id_cursor`. A row is sent only when its id
 *   is above its key's mark, and the mark moves up to it.
 * - The live listener is attached in the same synchronous step as the replay
 *   (the store is in memory, so the replay never yields). Nothing committed in
 *   between can be missed, and the marks stop a row from going out twice.
 */
import { Metadata } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { hex, type GroupMessageRow, type Store, type WelcomeRow } from "./store.ts";
import { groupMessageOut, welcomeOut } from "./mls-service.ts";
import type { StreamHandler } from "./handlers.ts";

interface Topic<Row> {
  keyOf(row: Row): Buffer;
  stored(store: Store, key: Buffer): readonly Row[];
  listen(store: Store, keys: readonly Buffer[], listener: (row: Row) => void): () => void;
  out(row: Row): object;
}

const groupTopic: Topic<GroupMessageRow> = {
  keyOf: (row) => row.groupId,
  stored: (store, key) => store.groupMessagesOf(key),
  listen: (store, keys, listener) => store.onGroupMessage(keys, listener),
  out: (row) => groupMessageOut(row),
};

const welcomeTopic: Topic<WelcomeRow> = {
  keyOf: (row) => row.installationKey,
  stored: (store, key) => store.welcomesOf(key),
  listen: (store, keys, listener) => store.onWelcome(keys, listener),
  out: welcomeOut,
};

function subscribe<Row extends { id: number }>(
  store: Store,
  topic: Topic<Row>,
  keyField: "group_id" | "installation_key",
  onOpen: () => () => void,
): StreamHandler {
  return (call) => {
    call.sendMetadata(new Metadata());
    const request = call.request as { filters: Array<Record<string, unknown>> };
    const marks = new Map<string, number>();
    const keys: Buffer[] = [];
    for (const filter of request.filters) {
      const key = filter[keyField] as Buffer | undefined;
      if (!key || key.length === 0) continue;
      const cursor = Number(filter.id_cursor ?? 0);
      const previous = marks.get(hex(key));
      if (previous === undefined) keys.push(key);
      // The same key twice: the lower cursor wins, so nothing asked for is skipped.
      marks.set(hex(key), previous === undefined ? cursor : Math.min(previous, cursor));
    }

    const send = (row: Row) => {
      const k = hex(topic.keyOf(row));
      const mark = marks.get(k);
      if (mark === undefined || row.id <= mark) return;
      marks.set(k, row.id);
      call.write(topic.out(row));
    };

    let closed = false;
    const stopListening = topic.listen(store, keys, send);
    const unregister = onOpen();
    const close = () => {
      if (closed) return;
      closed = true;
      stopListening();
      unregister();
    };
    call.on("cancelled", close);
    call.on("close", close);
    call.on("error", close);
    call.on("finish", close);

    const backlog: Row[] = [];
    for (const key of keys) {
      const rows = topic.stored(store, key);
      const mark = marks.get(hex(key)) ?? 0;
      for (let i = rows.length - 1; i >= 0 && rows[i].id > mark; i--) backlog.push(rows[i]);
    }
    backlog.sort((a, b) => a.id - b.id).forEach(send);
  };
}

/** The two server-streaming MlsApi methods; `openStreams` counts the streams currently open. */
export function subscriptionHandlers(
  store: Store,
  log: Logger,
  openStreams: { count: number },
): Record<string, StreamHandler> {
  const opened = (method: string) => () => {
    openStreams.count++;
    log.info({ method }, "stream opened");
    return () => {
      openStreams.count--;
      log.info({ method }, "stream closed");
    };
  };
  return {
    SubscribeGroupMessages: subscribe(store, groupTopic, "group_id", opened("MlsApi/SubscribeGroupMessages")),
    SubscribeWelcomeMessages: subscribe(
      store,
      welcomeTopic,
      "installation_key",
      opened("MlsApi/SubscribeWelcomeMessages"),
    ),
  };
}
