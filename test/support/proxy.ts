/**
 * A small TCP proxy in front of a real server that makes one fault when the client sends a packet
 * holding `trigger`: drop both sides before the packet reaches the server, drop them after the server
 * has it, or stall (forward nothing more, in either direction, and keep both sockets open).
 */
import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';

export type Fault = 'drop-before' | 'drop-after' | 'stall';

export interface FaultProxy {
  readonly server: Server;
  readonly port: number;
  /** How many times the fault was made. */
  faults(): number;
  /** The target URL with its host and port replaced by the proxy's. */
  url(target: string): string;
  close(): Promise<void>;
}

export interface ProxyOptions {
  readonly trigger: string;
  readonly fault: Fault;
  /** Make the fault once (later connections pass untouched, as after a reconnect); default true. */
  readonly once?: boolean;
}

export function faultProxy(target: string, options: ProxyOptions): Promise<FaultProxy> {
  const upstreamUrl = new URL(target);
  const defaultPort = upstreamUrl.protocol.startsWith('postgres') ? 5432 : 3306;
  let made = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client: Socket) => {
    const upstream = connectTcp(Number(upstreamUrl.port || defaultPort), upstreamUrl.hostname);
    sockets.add(client).add(upstream);
    let stalled = false;
    let answered = true;
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (stalled) return;
      const armed = options.once === false || made === 0;
      if (!armed || !chunk.includes(options.trigger)) {
        upstream.write(chunk);
        return;
      }
      made += 1;
      switch (options.fault) {
        case 'drop-before':
          drop();
          break;
        case 'drop-after':
          // The server gets the packet; its answer never reaches the client.
          answered = false;
          upstream.write(chunk, () => setTimeout(drop, 200));
          break;
        case 'stall':
          stalled = true;
          break;
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!stalled && answered) client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        server,
        port,
        faults: () => made,
        url: (url) => {
          const proxied = new URL(url);
          proxied.host = `127.0.0.1:${port}`;
          return proxied.toString();
        },
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}
