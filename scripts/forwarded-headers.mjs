/**
 * Preloaded into the web server (NODE_OPTIONS=--import, see scripts/web-server.ts) when no proxy of
 * ours is in front (TRUST_PROXY unset). Next.js keeps X-Forwarded-For/-Host/-Proto/-Port as a client
 * sent them and only fills in the missing ones, so without this a client could name its own address
 * (and dodge per-client limits) or its own host. Here every request's forwarded headers are replaced
 * with what the socket says before Next.js sees the request.
 */
import http from "node:http";

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitWithSocketAddress(event, request, ...rest) {
  if (event === "request" && request && request.headers) {
    delete request.headers["x-forwarded-host"];
    delete request.headers["x-forwarded-proto"];
    delete request.headers["x-forwarded-port"];
    delete request.headers["forwarded"];
    request.headers["x-forwarded-for"] = request.socket?.remoteAddress ?? "";
  }
  return emit.call(this, event, request, ...rest);
};
