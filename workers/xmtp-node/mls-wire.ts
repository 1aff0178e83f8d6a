/**
 * The two things the node reads inside MLS bytes (RFC 9420 TLS encoding,
 * docs/local-xmtp-node.md §6.3 and §6.4): the installation key of an uploaded KeyPackage, and the
 * group id and "is it a commit" of a published MLSMessage. Everything else
 * stays opaque. Malformed input throws `RpcError(INVALID_ARGUMENT)`.
 */
import { status } from "@grpc/grpc-js";
import { RpcError } from "./rpc-error.ts";

/** Sequential reader over TLS-serialized bytes; throws INVALID_ARGUMENT on truncation. */
class TlsReader {
  private offset = 0;
  constructor(
    private readonly bytes: Buffer,
    private readonly what: string,
  ) {}

  private need(n: number): void {
    if (this.offset + n > this.bytes.length) throw this.invalid("truncated");
  }

  invalid(reason: string): RpcError {
    return new RpcError(status.INVALID_ARGUMENT, `invalid ${this.what}: ${reason}`);
  }

  u8(): number {
    this.need(1);
    return this.bytes.readUInt8(this.offset++);
  }

  u16(): number {
    this.need(2);
    const v = this.bytes.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }

  /** RFC 9420 §2.1.2 variable-length integer: the two top bits give its size (1, 2 or 4 bytes). */
  varint(): number {
    const first = this.u8();
    const prefix = first >> 6;
    if (prefix === 0) return first & 0x3f;
    if (prefix === 1) return ((first & 0x3f) << 8) | this.u8();
    if (prefix === 2) {
      this.need(3);
      const rest = this.bytes.readUIntBE(this.offset, 3);
      this.offset += 3;
      return (first & 0x3f) * 2 ** 24 + rest;
    }
    throw this.invalid("varint prefix 11");
  }

  vector(): Buffer {
    const length = this.varint();
    this.need(length);
    const v = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }
}

/** Returns `leaf_node.signature_key` (the installation key) of a bare TLS KeyPackage. */
export function keyPackageInstallationKey(keyPackage: Buffer): Buffer {
  const r = new TlsReader(keyPackage, "key package");
  r.u16(); // version
  r.u16(); // cipher_suite
  r.vector(); // init_key
  r.vector(); // leaf_node.encryption_key
  const signatureKey = r.vector();
  if (signatureKey.length === 0) throw r.invalid("empty signature key");
  return Buffer.from(signatureKey);
}

const WIRE_FORMAT_PUBLIC = 1;
const WIRE_FORMAT_PRIVATE = 2;
const CONTENT_TYPE_COMMIT = 3;

/** Returns the group id of an MLSMessage and whether it carries a commit. */
export function parseGroupMessage(data: Buffer): { groupId: Buffer; isCommit: boolean } {
  const r = new TlsReader(data, "group message");
  r.u16(); // version
  const wireFormat = r.u16();
  if (wireFormat !== WIRE_FORMAT_PUBLIC && wireFormat !== WIRE_FORMAT_PRIVATE) {
    throw r.invalid(`wire_format ${wireFormat} is neither PublicMessage nor PrivateMessage`);
  }
  const groupId = Buffer.from(r.vector());
  if (groupId.length === 0) throw r.invalid("empty group id");
  r.skip(8); // epoch
  if (wireFormat === WIRE_FORMAT_PUBLIC) {
    const senderType = r.u8();
    // member (1) and external (2) senders carry a u32 index; new-member
    // proposal (3) and new-member commit (4) carry nothing.
    if (senderType === 1 || senderType === 2) r.skip(4);
    else if (senderType !== 3 && senderType !== 4) throw r.invalid(`sender_type ${senderType}`);
    r.vector(); // authenticated_data
  }
  return { groupId, isCommit: r.u8() === CONTENT_TYPE_COMMIT };
}
