/**
 * A minimal Socket.IO 4 client (Engine.IO v4 over a bare websocket, text packets only) for the load
 * generator. It speaks exactly what the generator needs (connect with auth, events with acks, ping/pong)
 * and leaves `chat:message` frames undecoded: the generator reads the few fields it needs from the raw
 * bytes, so receiving a delivery costs the generator far less than socket.io-client's full decode would,
 * and the generator can take more load before it becomes the bottleneck. Every target gets this client.
 */
import WebSocket from 'ws';

const CHAT_PREFIX = Buffer.from('["chat:message",');

export type ChatListener = (frame: Buffer, socket: WireSocket) => void;

export class WireSocket {
  private readonly ws: WebSocket;
  private readonly acks = new Map<number, (response: unknown) => void>();
  private nextAckId = 0;
  private closing = false;
  /** Resolves once the Socket.IO CONNECT was accepted; rejects with the server's refusal. */
  readonly connected: Promise<void>;
  /** Set when the connection ended without the generator closing it. */
  dropped = false;
  /** The one room this socket joined, and the latest seq it has seen there (from the join ack, then messages). */
  room = '';
  lastSeq = 0;
  /** Frames other than chat messages and acks (presence, …): counted, never decoded. */
  otherEvents = 0;
  onChat: ChatListener | null = null;

  constructor(url: string, auth: Record<string, unknown>, timeoutMs = 30_000) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false, skipUTF8Validation: true });
    this.connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('connect timed out')), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
        this.ws.terminate();
      };
      this.ws.on('error', (error) => fail(error));
      this.ws.on('close', () => {
        if (!this.closing) this.dropped = true;
        for (const ack of this.acks.values()) ack({ ok: false, error: { code: 'disconnected', message: 'the connection closed' } });
        this.acks.clear();
        fail(new Error('closed before connecting'));
      });
      this.ws.on('message', (data: Buffer) => {
        const kind = data[0];
        if (kind === 0x34 /* 4: message */) {
          const packet = data[1];
          if (packet === 0x32 /* 2: event */) {
            if (this.onChat && data.compare(CHAT_PREFIX, 0, CHAT_PREFIX.length, 2, 2 + CHAT_PREFIX.length) === 0) this.onChat(data, this);
            else this.otherEvents++;
          } else if (packet === 0x33 /* 3: ack */) {
            let i = 2;
            let id = 0;
            while (data[i] >= 0x30 && data[i] <= 0x39) id = id * 10 + (data[i++] - 0x30);
            const ack = this.acks.get(id);
            if (ack) {
              this.acks.delete(id);
              ack((JSON.parse(data.toString('utf8', i)) as unknown[])[0]);
            }
          } else if (packet === 0x30 /* 0: connect */) {
            clearTimeout(timer);
            resolve();
          } else if (packet === 0x34 /* 4: connect error */) {
            let message = 'connect_error';
            try {
              message = (JSON.parse(data.toString('utf8', 2)) as { message?: string }).message ?? message;
            } catch {
              // keep the generic one
            }
            fail(new Error(message));
          } else if (packet === 0x31 /* 1: disconnect */) {
            this.dropped = !this.closing;
            this.ws.terminate();
          }
        } else if (kind === 0x32 /* 2: ping */) {
          this.ws.send('3');
        } else if (kind === 0x30 /* 0: open */) {
          this.ws.send(`40${JSON.stringify(auth)}`);
        } else if (kind === 0x31 /* 1: close */) {
          this.ws.terminate();
        }
      });
    });
    this.connected.catch(() => {});
  }

  /** Emits `event` with an acknowledgement; `onAck` gets the server's ack (or a local error). */
  emit(event: string, payload: unknown, onAck: (response: unknown) => void): void {
    const id = this.nextAckId++;
    this.acks.set(id, onAck);
    this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
  }

  emitWithAck<T = unknown>(event: string, payload: unknown, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${event}: no ack within ${timeoutMs} ms`)), timeoutMs);
      this.emit(event, payload, (response) => {
        clearTimeout(timer);
        resolve(response as T);
      });
    });
  }

  get pendingAcks(): number {
    return this.acks.size;
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 5000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }
}
