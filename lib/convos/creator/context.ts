/** The creator's context and the outcomes of processing one join request. */
import type { Client } from "@xmtp/node-sdk";
import type { InviteJoinErrorType, ProfileUpdate } from "@/lib/convos/codecs";
import type { HandledMessageLedger } from "./ledger";

export type JoinOutcome =
  | { kind: "not_a_request" }
  | { kind: "duplicate" }
  | { kind: "ignored"; reason: string; recorded: boolean }
  | { kind: "blocked"; reason: string }
  | { kind: "rejected"; errorType: InviteJoinErrorType; replied: boolean }
  | { kind: "handled_elsewhere" }
  | { kind: "already_member"; groupId: string }
  /** `spent`: the invite was single-use and its tag has been rotated (step 11a). */
  | { kind: "joined"; groupId: string; joinerInboxId: string; spent?: boolean };

export interface CreatorContext {
  // The SDK's Client is generic over registered content types; the creator only needs the shape.
  client: Client<unknown>;
  /** The raw secp256k1 key of this inbox; null when it is not available (docs/convos-protocol.md §6.2 step 4). */
  privateKey: Uint8Array | string | null;
  ledger: HandledMessageLedger;
  /** Unix seconds; injectable for tests. */
  now?: () => number;
  /**
   * When it returns a reason, the conversation no longer takes anyone in (its agent was stopped): requests
   * that pass the signature check are answered `conversation_expired` with that reason, like an exploded one.
   */
  closed?: () => string | null;
  /** Joiner profiles from typed requests (provisional, §6.2 success step 4); shared across calls. */
  provisionalProfiles?: Map<string, ProfileUpdate>;
  onEvent?: (
    event:
      | { type: "outcome"; messageId: string; outcome: JoinOutcome }
      | { type: "warning"; message: string; error?: unknown },
  ) => void;
}

/** Calls the listener; a failing listener never breaks processing. */
export function emit(
  ctx: CreatorContext,
  event: Parameters<NonNullable<CreatorContext["onEvent"]>>[0],
): void {
  try {
    ctx.onEvent?.(event);
  } catch {
    // a failing listener must not break request processing
  }
}
