/** The commands the bench sends its load generator processes over IPC, and their answers. */

export interface SocketSpec {
  url: string;
  token: string;
  room: string;
}

export interface ConnectCommand {
  type: 'connect';
  pool: string;
  sockets: SocketSpec[];
  concurrency: number;
  join: boolean;
}

export interface ConnectResult {
  ok: number;
  failed: number;
  errors: string[];
  startedAt: number;
  endedAt: number;
  /** Each connect (websocket open → Socket.IO CONNECT accepted → room:join acked), ms. */
  latencies: Float64Array;
  cpuShare: number;
}

export interface ChatCommand {
  type: 'chat';
  pool: string;
  /** Messages per second offered by all generators together (this one sends every genCount-th). */
  rate: number;
  genIndex: number;
  genCount: number;
  /** Every room of the pool, in the order messages rotate through them. */
  rooms: string[];
  /** Epoch ms (performance.timeOrigin + performance.now()) of the first scheduled send. */
  startAt: number;
  warmupMs: number;
  measureMs: number;
  /** Messages per generator this phase can schedule at most (sizes the delivery counters). */
  maxPerGen: number;
  tag: string;
  bodyLength: number;
}

export interface ChatResult {
  sent: number;
  sentInWindow: number;
  acked: number;
  ackErrors: number;
  ackErrorSamples: string[];
  ackLatencies: Float64Array;
  /** How late sends left against their schedule (generator lag), ms. */
  sendLagP99: number;
  /** Delivery latencies (send → receipt at each recipient) of messages sent in the measured window, ms. */
  latencies: Float64Array;
  /** Deliveries received during the measured window (whenever sent). */
  deliveriesInWindow: number;
  /** Deliveries received per sending generator and message number. */
  received: Uint16Array[];
  /** Per own message: the room it went to (index into rooms), or -1 if not sent. */
  roomOf: Int32Array;
  /** Per own message: 1 when sent inside the measured window. */
  inWindow: Uint8Array;
  /** Arrivals whose seq was not above the socket's last seen seq (reordered or duplicated). */
  outOfOrder: number;
  /** Seq numbers skipped at arrival (reordered later, or lost). */
  gaps: number;
  disconnects: number;
  cpuShare: number;
  drainMs: number;
}

export interface SignupCommand {
  type: 'signup';
  pool: string;
  /** Sign up with this generator's sockets whose global index is below `count`. */
  count: number;
  genIndex: number;
  genCount: number;
  meetingId: number;
  startAt: number;
}

export interface SignupResult {
  attempts: number;
  firstSentAt: number;
  lastAckAt: number;
  confirmed: number;
  waitlisted: number;
  positions: number[];
  errors: string[];
  cpuShare: number;
}

export type Command = ConnectCommand | ChatCommand | SignupCommand | { type: 'close'; pool: string } | { type: 'exit' };
export type Request = Command & { id: number };
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
