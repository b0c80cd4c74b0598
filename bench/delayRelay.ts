/**
 * A TCP relay on 127.0.0.1 that holds every chunk `oneWayMs` before passing it on, in both directions:
 * network latency for benchmarks whose "remote" hosts are namespaces of this machine (this kernel has no
 * netem). Order is kept (Node fires timers of equal delay in the order they were set); ends and resets are
 * delayed like data. Latency only: no bandwidth limit, no loss.
 */
import * as net from 'node:net';

export interface DelayRelay {
  port: number;
  close(): Promise<void>;
}

export async function startDelayRelay(targetPort: number, oneWayMs: number): Promise<DelayRelay> {
  const sockets = new Set<net.Socket>();
  const pipe = (from: net.Socket, to: net.Socket): void => {
    from.on('data', (chunk) => { setTimeout(() => { if (!to.destroyed) to.write(chunk); }, oneWayMs); });
    from.on('end', () => { setTimeout(() => to.end(), oneWayMs); });
    from.on('error', () => { setTimeout(() => to.destroy(), oneWayMs); });
    from.on('close', () => { sockets.delete(from); setTimeout(() => to.destroy(), oneWayMs); });
  };
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
    client.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
