/**
 * Glue between the services and grpc-js: every call is counted and logged as
 * `Service/Method` (docs/local-xmtp-node.md §9), and errors become gRPC statuses with readable
 * details (§3): `RpcError`s keep their code, anything else is INTERNAL.
 */
import {
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedHandleCall,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import { RpcError } from "./rpc-error.ts";

// `never` parameters let each method declare its own request shape.
export type UnaryHandlers = Record<string, (request: never) => object>;

/** A server-streaming method: writes to the call until the client cancels. */
export type StreamHandler = (call: ServerWritableStream<never, object>) => void;

/** Per-method call counters, keyed `Service/Method` (or the full path for unknown methods). */
export class CallCounts {
  private readonly counts = new Map<string, number>();
  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

function toStatus(error: unknown, name: string, log: Logger): { code: status; details: string } {
  if (error instanceof RpcError) {
    log.info({ method: name, code: status[error.code], details: error.details }, "call rejected");
    return { code: error.code, details: error.details };
  }
  log.error({ method: name, err: error }, "call failed");
  return {
    code: status.INTERNAL,
    details: `${name}: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** grpc-js implementations of a service's methods, counted, logged and error-mapped. */
export function wrapService(
  serviceShortName: string,
  unary: UnaryHandlers,
  streams: Record<string, StreamHandler>,
  counts: CallCounts,
  log: Logger,
): Record<string, UntypedHandleCall> {
  const implementation: Record<string, UntypedHandleCall> = {};
  for (const [method, handler] of Object.entries(unary)) {
    const name = `${serviceShortName}/${method}`;
    implementation[method] = ((call: ServerUnaryCall<never, object>, callback: sendUnaryData<object>) => {
      counts.add(name);
      log.info({ method: name }, "call");
      try {
        callback(null, handler(call.request));
      } catch (error) {
        callback(toStatus(error, name, log), null);
      }
    }) as UntypedHandleCall;
  }
  for (const [method, handler] of Object.entries(streams)) {
    const name = `${serviceShortName}/${method}`;
    implementation[method] = ((call: Parameters<StreamHandler>[0]) => {
      counts.add(name);
      log.info({ method: name }, "call");
      try {
        handler(call);
      } catch (error) {
        call.emit("error", toStatus(error, name, log));
      }
    }) as UntypedHandleCall;
  }
  return implementation;
}
