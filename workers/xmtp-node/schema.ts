/**
 * Wire schema: loads the repo's .proto subset (docs/local-xmtp-node.md §5) with protobufjs and
 * turns it into grpc-js service definitions.
 *
 * Why protobufjs directly rather than @grpc/proto-loader: the node also has to
 * decode `IdentityUpdate` bytes that arrive inside a request (§5.2), so it
 * needs the protobufjs `Type`s anyway; building the grpc-js definitions from
 * the same `Root` keeps one source of truth.
 *
 * Decoded messages are plain objects with the upstream snake_case field names,
 * uint64 as decimal strings (nanosecond timestamps exceed 2^53), bytes as
 * Buffer, and oneofs exposed through a `version`/`kind` discriminator.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

const here = path.dirname(fileURLToPath(import.meta.url));
const PROTO_FILES = ["xmtp-subset.proto", "xmtp-identity-subset.proto", "xmtp-associations-subset.proto"];

export const root = new protobuf.Root().loadSync(
  PROTO_FILES.map((f) => path.join(here, f)),
  { keepCase: true },
);

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, arrays: true, oneofs: true };

/** Decodes `bytes` as the named message type into a plain object (see module note). */
export function decode<T>(typeName: string, bytes: Uint8Array): T {
  const type = root.lookupType(typeName);
  return type.toObject(type.decode(bytes), TO_OBJECT) as T;
}

/** Encodes a plain object as the named message type. */
export function encode(typeName: string, value: object): Buffer {
  const type = root.lookupType(typeName);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** Builds the grpc-js definition of a service of the subset, keyed by method name. */
export function serviceDefinition(serviceName: string): ServiceDefinition {
  const service = root.lookupService(serviceName);
  const fullName = service.fullName.replace(/^\./, "");
  const definition: Record<string, MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const requestType = method.resolvedRequestType!.fullName.replace(/^\./, "");
    const responseType = method.resolvedResponseType!.fullName.replace(/^\./, "");
    definition[method.name] = {
      path: `/${fullName}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (value) => encode(requestType, value),
      requestDeserialize: (bytes) => decode(requestType, bytes),
      responseSerialize: (value) => encode(responseType, value),
      responseDeserialize: (bytes) => decode(responseType, bytes),
    };
  }
  return definition as ServiceDefinition;
}

// ---- Plain-object shapes of the messages the handlers read and write. ----

export interface PagingInfo {
  direction?: number;
  limit?: number;
  id_cursor?: string;
}

export interface GroupMessageV1 {
  id: string;
  created_ns: string;
  group_id: Buffer;
  data?: Buffer;
  sender_hmac?: Buffer;
  should_push?: boolean;
  is_commit: boolean;
}

export interface WelcomeV1Input {
  installation_key?: Buffer;
  data?: Buffer;
  hpke_public_key?: Buffer;
  wrapper_algorithm?: number;
  welcome_metadata?: Buffer;
}

export interface WelcomePointerInput {
  installation_key?: Buffer;
  welcome_pointer?: Buffer;
  hpke_public_key?: Buffer;
  wrapper_algorithm?: number;
}

export interface IdentityUpdateView {
  inbox_id?: string;
  actions: Array<{
    kind?: "create_inbox" | "add" | "revoke" | "change_recovery_address";
    create_inbox?: { initial_identifier?: string; initial_identifier_kind?: number };
    add?: { new_member_identifier?: { ethereum_address?: string } };
    revoke?: { member_to_revoke?: { ethereum_address?: string } };
  }>;
}
