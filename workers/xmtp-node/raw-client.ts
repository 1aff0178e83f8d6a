/**
 * A raw gRPC caller for the node: any method path, bytes in, bytes out. Used
 * to probe whether a node answers on a port and, in tests, to call methods
 * the SDK never calls (unknown ones, malformed input).
 */
import { Client, credentials, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { decode, encode } from "./schema.ts";

export interface RawResult {
  code: status;
  details: string;
  response?: Buffer;
}

/** Calls `methodPath` once with `request` bytes; never throws for a gRPC status, only reports it. */
export async function callRaw(
  address: string,
  methodPath: string,
  request: Buffer = Buffer.alloc(0),
  timeoutMs = 5_000,
): Promise<RawResult> {
  const client = new Client(address.replace(/^https?:\/\//, ""), credentials.createInsecure());
  try {
    return await new Promise<RawResult>((resolve) => {
      client.makeUnaryRequest(
        methodPath,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        request,
        new Metadata(),
        { deadline: Date.now() + timeoutMs },
        (error: ServiceError | null, response?: Buffer) =>
          resolve(
            error ? { code: error.code, details: error.details } : { code: status.OK, details: "", response },
          ),
      );
    });
  } finally {
    client.close();
  }
}

/** Calls a unary method of the subset with plain objects (see schema.ts for their shape). */
export async function callTyped<T>(
  address: string,
  service: "IdentityApi" | "MlsApi",
  method: string,
  request: object,
  requestType: string,
  responseType: string,
): Promise<T> {
  const pkg = service === "IdentityApi" ? "xmtp.identity.api.v1" : "xmtp.mls.api.v1";
  const result = await callRaw(address, `/${pkg}.${service}/${method}`, encode(requestType, request));
  if (result.code !== status.OK)
    throw Object.assign(new Error(`${method}: ${status[result.code]} ${result.details}`), {
      code: result.code,
    });
  return decode<T>(responseType, result.response!);
}

/** True when an XMTP node (anything answering IdentityApi/GetInboxIds) listens at `address`. */
export async function isXmtpNodeAt(address: string): Promise<boolean> {
  const result = await callRaw(
    address,
    "/xmtp.identity.api.v1.IdentityApi/GetInboxIds",
    Buffer.alloc(0),
    1_000,
  );
  return result.code === status.OK;
}
