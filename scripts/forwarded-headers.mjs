/**
 * Preloaded into the web server (NODE_OPTIONS=--import, see scripts/web-server.ts), always.
 *
 * Every request gets X-Convos-Socket-Address: the address of the socket it came in on, whatever the
 * client sent under that name. lib/client-address.ts believes the header only in a process this
 * module marked, so the loopback-only development sign-in checks the socket, never a header a
 * client can write.
 *
 * Unless TRUST_PROXY says a proxy of ours is in front, the forwarded headers are replaced as well.
 * Next.js keeps X-Forwarded-For/-Host/-Proto/-Port as a client sent them and only fills in the
 * missing ones, so without this a client could name its own address (and dodge per-client limits)
 * or its own host.
 */
import http from "node:http";

const SOCKET_HEADER = "x-convos-socket-address";
const trustProxy = process.env.TRUST_PROXY === "1" || process.env.TRUST_PROXY === "true";

globalThis[Symbol.for("convos.socketAddressHeader")] = SOCKET_HEADER;

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitWithSocketAddress(event, request, ...rest) {
  if (event === "request" && request && request.headers) {
    const socket = request.socket?.remoteAddress ?? "";
    request.headers[SOCKET_HEADER] = socket;
    if (!trustProxy) {
      delete request.headers["x-forwarded-host"];
      delete request.headers["x-forwarded-proto"];
      delete request.headers["x-forwarded-port"];
      delete request.headers["forwarded"];
      request.headers["x-forwarded-for"] = socket;
    }
  }
  return emit.call(this, event, request, ...rest);
};
