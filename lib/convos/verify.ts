/**
 * Joiner-side invite checks (docs/convos-protocol.md §6.1 step 1). The joiner can only check that
 * *some* key signed the invite (§2.5); binding that key to the creator inbox is
 * the creator's job, which it does against its own private key.
 */
import { ConvosError } from "./errors";
import { recoverInviteSigner, type SignedInvite } from "./invite";

/** Current time in Unix seconds. */
export const nowUnix = (): number => Math.floor(Date.now() / 1000);

/** True when an optional Unix-seconds expiry is set and already past. */
export function isPast(expiresAtUnix: number | undefined, now: number): boolean {
  return expiresAtUnix !== undefined && expiresAtUnix > 0 && expiresAtUnix <= now;
}

/**
 * Throws the first failing check of §6.1 step 1 (except "is it ours", which needs
 * the product's registry): bad_signature, expired_invite, conversation_expired,
 * invalid_invite. Returns the recovered public key when everything passes.
 */
export function checkInviteForJoiner(invite: SignedInvite, now: number = nowUnix()): Uint8Array {
  const signer = recoverInviteSigner(invite.payloadBytes, invite.signature);
  const p = invite.payload;
  if (isPast(p.expiresAtUnix, now)) throw new ConvosError("expired_invite", "this invite has expired");
  if (isPast(p.conversationExpiresAtUnix, now))
    throw new ConvosError("conversation_expired", "this conversation has exploded");
  if (!p.tag) throw new ConvosError("invalid_invite", "the invite has no tag");
  if (!/^[0-9a-f]{64}$/.test(p.creatorInboxId))
    throw new ConvosError("invalid_invite", "the invite has no valid creator inbox id");
  return signer;
}
