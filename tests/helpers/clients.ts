import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../server/contract/events';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** JSON over HTTP with an optional bearer token; returns status and parsed body. */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Opens a socket and waits for it to connect (or rejects with the connect_error). */
export function connect(base: string, auth: Record<string, string>, options: { extraHeaders?: Record<string, string> } = {}): Promise<TestSocket> {
  const socket: TestSocket = io(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: options.extraHeaders });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits a command and resolves with its ack; fails the test if no ack arrives. */
export async function request<E extends keyof ClientToServerEvents>(
  socket: TestSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 5000,
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
  return (socket.timeout(timeoutMs) as any).emitWithAck(event, payload);
}

/** Like `request`, but expects ok and returns the data. */
export async function ok<E extends keyof ClientToServerEvents>(socket: TestSocket, event: E, payload: Parameters<ClientToServerEvents[E]>[0]) {
  const ack = (await request(socket, event, payload)) as Ack<any>;
  if (!ack.ok) throw new Error(`${String(event)} failed: ${ack.error.code} ${ack.error.message}`);
  return ack.data as Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>['data'];
}

/** Resolves with the next `event` whose payload passes `match`. */
export function next<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  match: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as any);
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, timeoutMs);
    const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as any);
      resolve(args[0]);
    };
    socket.on(event, listener as any);
  });
}

/** Collects every `event` from now on. */
export function collect<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E): Array<Parameters<ServerToClientEvents[E]>[0]> {
  const seen: Array<Parameters<ServerToClientEvents[E]>[0]> = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload)) as any);
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or the time is up. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
