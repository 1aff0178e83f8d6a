/**
 * The node's state in memory, rebuilt from the event log at start-up
 * (docs/local-xmtp-node.md §6.1, §7).
 *
 * Every change goes through `commit(events)`: the batch is appended to the log
 * first, then applied to memory, then pushed to live subscribers. Handlers
 * build a whole RPC's batch before committing, so an RPC is stored entirely or
 * not at all. Ids come from one global counter (`nextId`), restored on load to
 * the highest id seen; per-topic arrays are therefore sorted by id, which the
 * paging code relies on.
 */
import { createHash } from "node:crypto";
import type { Event, EventLog } from "./persistence.ts";

export type GroupMessageRow = Extract<Event, { t: "groupMessage" }>;
export type WelcomeRow = Extract<Event, { t: "welcome" }>;
export type IdentityRow = Extract<Event, { t: "identity" }>;
export type CommitLogRow = Extract<Event, { t: "commitLog" }>;

type Listener<T> = (row: T) => void;

/**
 * Live listeners by topic key (hex group id or installation key). A commit reaches only the listeners of
 * its row's key: with every agent of a worker subscribed, notifying all of them for each message cost the
 * node's thread O(subscriptions) per message.
 */
class KeyedListeners<T> {
  private readonly byKey = new Map<string, Set<Listener<T>>>();

  add(keys: readonly Buffer[], listener: Listener<T>): () => void {
    const hexKeys = [...new Set(keys.map(hex))];
    for (const k of hexKeys) {
      const set = this.byKey.get(k);
      if (set) set.add(listener);
      else this.byKey.set(k, new Set([listener]));
    }
    return () => {
      for (const k of hexKeys) {
        const set = this.byKey.get(k);
        set?.delete(listener);
        if (set?.size === 0) this.byKey.delete(k);
      }
    };
  }

  /** A failing stream must not stop delivery to the others. */
  notify(key: Buffer, row: T): void {
    for (const listener of this.byKey.get(hex(key)) ?? []) {
      try {
        listener(row);
      } catch {
        // the subscription's own error handling closes it
      }
    }
  }
}

const hex = (b: Buffer) => b.toString("hex");
const digest = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class Store {
  private counter = 0;
  private readonly identity = new Map<string, IdentityRow[]>();
  private readonly addressToInbox = new Map<string, string>();
  private readonly keyPackages = new Map<string, Buffer>();
  private readonly groupMessages = new Map<string, GroupMessageRow[]>();
  private readonly welcomes = new Map<string, WelcomeRow[]>();
  private readonly commitLog = new Map<string, CommitLogRow[]>();
  private readonly seen = new Set<string>(); // dedupe keys of stored messages and welcomes
  private readonly groupListeners = new KeyedListeners<GroupMessageRow>();
  private readonly welcomeListeners = new KeyedListeners<WelcomeRow>();

  /** Loads every logged event; the counter ends at the highest id seen. */
  constructor(private readonly log: EventLog) {
    for (const event of log.replay()) this.apply(event);
  }

  /** A fresh id, greater than every id stored or handed out before. */
  nextId(): number {
    return ++this.counter;
  }

  /** Appends the batch to the log, applies it, then notifies live subscribers. */
  commit(events: Event[]): void {
    this.log.append(events);
    for (const event of events) this.apply(event);
    for (const event of events) {
      if (event.t === "groupMessage") this.groupListeners.notify(event.groupId, event);
      else if (event.t === "welcome") this.welcomeListeners.notify(event.installationKey, event);
    }
  }

  private apply(event: Event): void {
    switch (event.t) {
      case "identity":
        this.bump(event.sequenceId);
        push(this.identity, event.inboxId, event);
        for (const address of event.added) this.addressToInbox.set(address, event.inboxId);
        for (const address of event.removed) {
          if (this.addressToInbox.get(address) === event.inboxId) this.addressToInbox.delete(address);
        }
        break;
      case "keyPackage":
        this.keyPackages.set(hex(event.installationKey), event.keyPackage); // latest wins
        break;
      case "groupMessage":
        this.bump(event.id);
        push(this.groupMessages, hex(event.groupId), event);
        this.seen.add(groupMessageKey(event.groupId, event.data));
        break;
      case "welcome":
        this.bump(event.id);
        push(this.welcomes, hex(event.installationKey), event);
        this.seen.add(welcomeKey(event.installationKey, event.payload));
        break;
      case "commitLog":
        this.bump(event.sequenceId);
        push(this.commitLog, hex(event.groupId), event);
        break;
    }
  }

  private bump(id: number): void {
    if (id > this.counter) this.counter = id;
  }

  /** True when this exact message or welcome (by dedupe key) is already stored. */
  isStored(key: string): boolean {
    return this.seen.has(key);
  }

  identityUpdates(inboxId: string): readonly IdentityRow[] {
    return this.identity.get(inboxId) ?? [];
  }

  inboxIdFor(address: string): string | undefined {
    return this.addressToInbox.get(address.toLowerCase());
  }

  keyPackage(installationKey: Buffer): Buffer | undefined {
    return this.keyPackages.get(hex(installationKey));
  }

  groupMessagesOf(groupId: Buffer): readonly GroupMessageRow[] {
    return this.groupMessages.get(hex(groupId)) ?? [];
  }

  welcomesOf(installationKey: Buffer): readonly WelcomeRow[] {
    return this.welcomes.get(hex(installationKey)) ?? [];
  }

  commitLogOf(groupId: Buffer): readonly CommitLogRow[] {
    return this.commitLog.get(hex(groupId)) ?? [];
  }

  /**
   * Calls `listener` for every message committed from now on to one of `groupIds`, until the returned
   * function is called.
   */
  onGroupMessage(groupIds: readonly Buffer[], listener: Listener<GroupMessageRow>): () => void {
    return this.groupListeners.add(groupIds, listener);
  }

  /** The same for welcomes to one of `installationKeys`. */
  onWelcome(installationKeys: readonly Buffer[], listener: Listener<WelcomeRow>): () => void {
    return this.welcomeListeners.add(installationKeys, listener);
  }
}

/** Dedupe key of a group message: same group and identical data (§6.4). */
export const groupMessageKey = (groupId: Buffer, data: Buffer) => `g:${hex(groupId)}:${digest(data)}`;

/** Dedupe key of a welcome: same installation key and identical payload (§6.5). */
export const welcomeKey = (installationKey: Buffer, payload: Buffer) =>
  `w:${hex(installationKey)}:${digest(payload)}`;

export { hex };

let lastNs = 0n;

/**
 * The server's receive time in nanoseconds since the Unix epoch, as a decimal
 * string, strictly increasing within the process so that messages received in
 * the same millisecond still sort in arrival order on the clients.
 */
export function nowNs(): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastNs = now > lastNs ? now : lastNs + 1n;
  return lastNs.toString();
}
