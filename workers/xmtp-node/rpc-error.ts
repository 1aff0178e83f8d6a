import { status } from "@grpc/grpc-js";

/** An error that reaches the client as this gRPC status and readable details (docs/local-xmtp-node.md §3). */
export class RpcError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details);
    this.name = "RpcError";
  }
}

/** Throws INVALID_ARGUMENT with `details` unless `condition` holds. */
export function check(condition: unknown, details: string): asserts condition {
  if (!condition) throw new RpcError(status.INVALID_ARGUMENT, details);
}
