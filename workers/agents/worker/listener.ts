/**
 * LISTEN on the worker's channels (claims, stops) with a dedicated `pg` client (Prisma's pool
 * cannot hold a session). When the connection drops (a database restart), it
 * reconnects with backoff and calls `onReconnect`, since notifications sent
 * while it was away are lost: the caller polls then.
 */
import pg from "pg";
import type { Logger } from "pino";
import { backoffMs } from "@/lib/identities";

export interface ListenerOptions {
  connectionString: string;
  channels: string[];
  onNotify: (payload: string, channel: string) => void;
  onReconnect: () => void;
  log: Logger;
}

/** Starts listening (resolves once the first LISTEN succeeded or failed); `close()` ends the client. */
export async function startListener(o: ListenerOptions): Promise<{ close(): Promise<void> }> {
  let client: pg.Client | undefined;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: o.connectionString });
    client = c;
    let failed = false;
    const retry = (err: unknown) => {
      if (failed || closed) return;
      failed = true;
      o.log.warn({ err }, "notification listener lost its connection; reconnecting");
      void c.end().catch(() => undefined);
      timer = setTimeout(() => void connect(), backoffMs(++attempt, { baseMs: 250, capMs: 5_000 }));
    };
    c.on("error", retry);
    c.on("end", () => retry(new Error("connection ended")));
    c.on("notification", (n) => {
      if (o.channels.includes(n.channel) && n.payload) o.onNotify(n.payload, n.channel);
    });
    try {
      await c.connect();
      for (const channel of o.channels) await c.query(`LISTEN ${channel}`);
      if (attempt > 0) o.onReconnect();
      attempt = 0;
    } catch (err) {
      retry(err);
    }
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
