/**
 * Which attachments an XMTP message carries: an inline `attachment`, a `remoteStaticAttachment`, or
 * several in a `multiRemoteStaticAttachment`. The worker's answers and the web's browser chat both read
 * messages through this one function.
 */
import type { Attachment, DecodedMessage, MultiRemoteAttachment, RemoteAttachment } from "@xmtp/node-sdk";

/** One attachment of a message: its bytes inline, or the reference (URL, digest, keys) to download. */
export type AttachmentRef = { inline: Attachment } | { remote: RemoteAttachment };

const ofType = (m: DecodedMessage<unknown>, typeId: string) =>
  m.contentType?.authorityId === "xmtp.org" &&
  m.contentType.typeId === typeId &&
  typeof m.content === "object" &&
  m.content !== null;

/** The attachments of `m`, in order; empty when it is no attachment message. */
export function attachmentsOf(m: DecodedMessage<unknown>): AttachmentRef[] {
  if (ofType(m, "attachment")) return [{ inline: m.content as Attachment }];
  if (ofType(m, "remoteStaticAttachment")) return [{ remote: m.content as RemoteAttachment }];
  if (ofType(m, "multiRemoteStaticAttachment")) {
    const list = (m.content as MultiRemoteAttachment).attachments;
    return Array.isArray(list) ? list.map((remote) => ({ remote })) : [];
  }
  return [];
}
