/**
 * The store's live listeners: a commit reaches the listeners of its row's key (group id or installation key)
 * and nobody else's, once per listener, and a listener that throws does not stop the others.
 */
import { describe, expect, it } from "vitest";
import { openEventLog } from "./persistence.ts";
import { Store, type GroupMessageRow, type WelcomeRow } from "./store.ts";

const key = (n: number) => Buffer.from([n, n, n]);

function groupMessage(store: Store, groupId: Buffer): GroupMessageRow {
  const id = store.nextId();
  return {
    t: "groupMessage",
    id,
    createdNs: String(id),
    groupId,
    data: Buffer.from(`m${id}`),
    senderHmac: Buffer.alloc(0),
    shouldPush: true,
    isCommit: false,
  };
}

function welcome(store: Store, installationKey: Buffer): WelcomeRow {
  const id = store.nextId();
  return {
    t: "welcome",
    id,
    createdNs: String(id),
    installationKey,
    variant: "v1",
    payload: Buffer.from(`w${id}`),
    hpkePublicKey: Buffer.alloc(0),
    wrapperAlgorithm: 0,
    welcomeMetadata: Buffer.alloc(0),
  };
}

describe("the node's live listeners", () => {
  it("deliver a group message only to the listeners of its group, once each, until they stop", () => {
    const store = new Store(openEventLog(null));
    const seen: string[] = [];
    const stopA = store.onGroupMessage([key(1), key(2), key(1)], (r) => seen.push(`a:${r.data}`));
    store.onGroupMessage([key(2)], (r) => seen.push(`b:${r.data}`));
    store.onGroupMessage([key(3)], () => {
      throw new Error("a broken stream");
    });
    store.onGroupMessage([key(3)], (r) => seen.push(`c:${r.data}`));

    const [one, two, three] = [
      groupMessage(store, key(1)),
      groupMessage(store, key(2)),
      groupMessage(store, key(3)),
    ];
    store.commit([one, two, three]);
    expect(seen).toEqual([`a:${one.data}`, `a:${two.data}`, `b:${two.data}`, `c:${three.data}`]);

    seen.length = 0;
    stopA();
    const four = groupMessage(store, key(1));
    const five = groupMessage(store, key(2));
    store.commit([four, five]);
    expect(seen).toEqual([`b:${five.data}`]);
    expect(store.groupMessagesOf(key(1)).map((r) => r.id)).toEqual([one.id, four.id]);
  });

  it("deliver a welcome only to the listeners of its installation", () => {
    const store = new Store(openEventLog(null));
    const seen: string[] = [];
    store.onWelcome([key(7)], (r) => seen.push(`x:${r.payload}`));
    store.onWelcome([key(8)], (r) => seen.push(`y:${r.payload}`));
    const w = welcome(store, key(8));
    store.commit([w, groupMessage(store, key(8))]);
    expect(seen).toEqual([`y:${w.payload}`]);
  });
});
