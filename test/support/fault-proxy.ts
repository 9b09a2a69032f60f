/**
 * A loopback HTTP proxy in front of a real peer (moto) that can inject faults at the
 * network level: AWS-style error answers (throttling, access denied), reset connections
 * (an outage), or silence. The SDK under test is unchanged and still speaks to a real KMS
 * protocol server; only the wire between them is disturbed. Counts the requests it forwards.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How the proxy treats the next requests. */
export type ProxyMode = 'forward' | 'reset' | 'stall';

/** A running fault proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Requests that reached the proxy, by KMS action (`X-Amz-Target` suffix, e.g. `Decrypt`). */
  readonly requests: Map<string, number>;
  /** The next `count` requests get an AWS JSON error answer instead of reaching the peer. */
  failNext(count: number, errorType: string, status?: number): void;
  /** Sets what happens to requests without a pending injected error. */
  mode: ProxyMode;
  stop(): Promise<void>;
}

/** Starts a proxy on a free 127.0.0.1 port forwarding to `target` (`http://127.0.0.1:<port>`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const requests = new Map<string, number>();
  let injected: { count: number; errorType: string; status: number } = { count: 0, errorType: '', status: 400 };

  const proxy: FaultProxy = {
    endpoint: '',
    requests,
    mode: 'forward',
    failNext(count, errorType, status = 400) {
      injected = { count, errorType, status };
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const action = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    requests.set(action, (requests.get(action) ?? 0) + 1);
    if (injected.count > 0) {
      injected.count -= 1;
      req.resume();
      const body = JSON.stringify({ __type: injected.errorType, message: `${injected.errorType} injected by the test proxy` });
      res.writeHead(injected.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': injected.errorType });
      res.end(body);
      return;
    }
    if (proxy.mode === 'reset') {
      req.socket.destroy();
      return;
    }
    if (proxy.mode === 'stall') return; // keep the socket open, never answer
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => req.socket.destroy());
    req.pipe(forwarded);
  };

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('could not read the bound port');
  return Object.assign(proxy, { endpoint: `http://127.0.0.1:${address.port}` });
}
