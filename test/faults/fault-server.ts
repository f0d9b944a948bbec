import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  n: number,
) => void | Promise<void>;

export interface FaultServer {
  url: string;
  origin: string;
  /** Requests received so far. */
  count(): number;
  /** Replaces the behaviour. */
  use(handler: Handler): void;
  close(): Promise<void>;
}

/** A programmable HTTP server on 127.0.0.1, port 0. */
export async function startFaultServer(initial: Handler): Promise<FaultServer> {
  let handler = initial;
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n++;
      Promise.resolve(handler(req, res, Buffer.concat(chunks).toString(), n)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/token`,
    origin,
    count: () => n,
    use: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
