/**
 * `xmtp.identity.api.v1.IdentityApi` (docs/local-xmtp-node.md §6.2). The node keeps each inbox's
 * identity updates as the raw bytes it was given and reads just enough of them
 * (§5.2) to keep the address -> inbox map. No signature is checked: the
 * clients verify them when they replay an inbox's log (§8).
 */
import { nowNs, type Store } from "./store.ts";
import { decode, type IdentityUpdateView } from "./schema.ts";
import { check } from "./rpc-error.ts";
import type { UnaryHandlers } from "./handlers.ts";

const MAX_UPDATES_PER_INBOX = 256;
const KIND_UNSPECIFIED = 0;
const KIND_ETHEREUM = 1;

/** What an identity update does to the address map: addresses added and removed, lowercased. */
export function addressChanges(update: IdentityUpdateView): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const action of update.actions) {
    const create = action.create_inbox;
    if (create?.initial_identifier) {
      const kind = create.initial_identifier_kind ?? KIND_UNSPECIFIED;
      if (kind === KIND_ETHEREUM || kind === KIND_UNSPECIFIED)
        added.push(create.initial_identifier.toLowerCase());
    }
    const addAddress = action.add?.new_member_identifier?.ethereum_address;
    if (addAddress) added.push(addAddress.toLowerCase());
    const revokeAddress = action.revoke?.member_to_revoke?.ethereum_address;
    if (revokeAddress) removed.push(revokeAddress.toLowerCase());
  }
  return { added, removed };
}

/** The IdentityApi methods, each answering exactly as §6.2 says. */
export function identityService(store: Store): UnaryHandlers {
  return {
    PublishIdentityUpdate(req: { identity_update?: Buffer }) {
      const raw = req.identity_update;
      check(raw && raw.length > 0, "identity_update is required");
      let update: IdentityUpdateView;
      try {
        update = decode<IdentityUpdateView>("xmtp.identity.associations.IdentityUpdate", raw);
      } catch (error) {
        check(false, `identity_update does not decode: ${(error as Error).message}`);
      }
      const inboxId = update.inbox_id;
      check(inboxId, "identity_update.inbox_id is required");
      check(
        store.identityUpdates(inboxId).length < MAX_UPDATES_PER_INBOX,
        `inbox ${inboxId} already has ${MAX_UPDATES_PER_INBOX} identity updates`,
      );
      store.commit([
        {
          t: "identity",
          inboxId,
          sequenceId: store.nextId(),
          serverTimestampNs: nowNs(),
          update: Buffer.from(raw),
          ...addressChanges(update),
        },
      ]);
      return {};
    },

    GetIdentityUpdates(req: { requests: Array<{ inbox_id?: string; sequence_id?: string }> }) {
      return {
        responses: req.requests.map(({ inbox_id = "", sequence_id = "0" }) => {
          const after = Number(sequence_id);
          return {
            inbox_id,
            updates: store
              .identityUpdates(inbox_id)
              .filter((row) => row.sequenceId > after)
              .map((row) => ({
                sequence_id: String(row.sequenceId),
                server_timestamp_ns: row.serverTimestampNs,
                update: row.update,
              })),
          };
        }),
      };
    },

    GetInboxIds(req: { requests: Array<{ identifier?: string; identifier_kind?: number }> }) {
      return {
        responses: req.requests.map(({ identifier = "", identifier_kind = 0 }) => {
          const inboxId = store.inboxIdFor(identifier);
          // inbox_id is `optional`: leave it unset, not "", when unknown.
          return inboxId === undefined
            ? { identifier, identifier_kind }
            : { identifier, identifier_kind, inbox_id: inboxId };
        }),
      };
    },

    VerifySmartContractWalletSignatures(req: { signatures: Buffer[] }) {
      return {
        responses: req.signatures.map(() => ({
          is_valid: false,
          error: "smart-contract wallet signatures are not supported by the local XMTP node",
        })),
      };
    },
  };
}
