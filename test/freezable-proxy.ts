/**
 * A TCP proxy on loopback in front of a real server that can be frozen: while
 * frozen, every connection (open ones and new ones) stays up but carries
 * nothing, which is how a wedged network or node looks to a client: its calls
 * neither answer nor fail. Thawing lets the held bytes through.
 */
import net from "node:net";

export interface FreezableProxy {
  /** http://127.0.0.1:port of the proxy. */
  url: string;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezableProxy(targetPort: number): Promise<FreezableProxy> {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  /** Bytes held while frozen, in order, with where they go. */
  const held: { to: net.Socket; data: Buffer }[] = [];
  const forward = (from: net.Socket, to: net.Socket) =>
    from.on("data", (data: Buffer) => (frozen ? held.push({ to, data }) : to.write(data)));
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const { to, data } of held.splice(0)) if (!to.destroyed) to.write(data);
    },
    async close() {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
