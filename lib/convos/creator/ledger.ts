/**
 * The ledger of handled join-request message ids (docs/convos-protocol.md §6.5): the first of the
 * three idempotency mechanisms, and the only one that survives a restart with
 * no network round trip. Production keeps it in PostgreSQL (implemented in
 * lib/ by its owner); tests use the in-memory one.
 */

/** What became of a request message; stored for diagnostics, compared never. */
export type HandledKind =
  | "joined" // added to the group
  | "already_member" // §6.2 step 10
  | "handled_elsewhere" // §6.2 step 9: another installation's marker
  | "rejected" // an invite_join_error was sent (or deduplicated)
  | "ignored"; // a final silent outcome (expired invite, forged, not ours, bad token)

export interface HandledMessageLedger {
  /** True when the message id was recorded before (by any process sharing the store). */
  has(messageId: string): Promise<boolean>;
  /** Records the message id; recording twice is harmless. */
  record(messageId: string, kind: HandledKind): Promise<void>;
}

/** A ledger in a Map: survives a client restart within one process, not a process restart. */
export class InMemoryLedger implements HandledMessageLedger {
  readonly entries = new Map<string, HandledKind>();

  async has(messageId: string): Promise<boolean> {
    return this.entries.has(messageId);
  }

  async record(messageId: string, kind: HandledKind): Promise<void> {
    if (!this.entries.has(messageId)) this.entries.set(messageId, kind);
  }
}
