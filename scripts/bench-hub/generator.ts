/**
 * The load generator of `npm run bench:hub`, one or more processes of it, forked by the bench and driven
 * over IPC (protocol.ts). It holds pools of sockets (wire.ts) across phases and, for every target alike:
 * connects and joins with a bounded number in flight; offers chat at a fixed rate, open loop (each send
 * leaves at its scheduled time, whatever the acks are doing), and times every delivery at every recipient
 * against the send time carried in the message body (one clock: performance.timeOrigin + now); fires a
 * sign-up storm. It samples its own CPU over each measured window, so a CPU-bound generator is caught.
 */
import type { ChatCommand, ChatResult, ConnectCommand, ConnectResult, Request, SignupCommand, SignupResult } from './protocol';
import { epochNow, untilEpoch } from './proc';
import { WireSocket } from './wire';

const pools = new Map<string, Array<WireSocket | undefined>>();

/** A Float64Array that grows. */
class Samples {
  data = new Float64Array(1024);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  take(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

function cpuMeter() {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    return wall > 0 ? (cpu.user + cpu.system) / 1000 / wall : 0;
  };
}

async function connect(cmd: ConnectCommand): Promise<ConnectResult> {
  if (pools.has(cmd.pool)) throw new Error(`pool ${cmd.pool} is open already`);
  const sockets: Array<WireSocket | undefined> = new Array(cmd.sockets.length);
  pools.set(cmd.pool, sockets);
  const latencies = new Samples();
  const errors: string[] = [];
  let failed = 0;
  let next = 0;
  const cpu = cpuMeter();
  const startedAt = epochNow();
  const worker = async () => {
    while (next < cmd.sockets.length) {
      const i = next++;
      const spec = cmd.sockets[i];
      const t0 = epochNow();
      const socket = new WireSocket(spec.url, { token: spec.token });
      try {
        await socket.connected;
        socket.room = spec.room;
        if (cmd.join) {
          const ack = await socket.emitWithAck<{ ok: boolean; data?: { seq: number }; error?: unknown }>('room:join', { roomId: spec.room });
          if (!ack?.ok) throw new Error(`room:join refused: ${JSON.stringify(ack?.error)}`);
          socket.lastSeq = ack.data?.seq ?? 0;
        }
        sockets[i] = socket;
        latencies.push(epochNow() - t0);
      } catch (error) {
        failed++;
        if (errors.length < 5) errors.push((error as Error).message);
        void socket.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(cmd.concurrency, cmd.sockets.length) }, worker));
  const endedAt = epochNow();
  return { ok: latencies.length, failed, errors, startedAt, endedAt, latencies: latencies.take(), cpuShare: cpu() };
}

async function close(pool: string) {
  const sockets = pools.get(pool) ?? [];
  pools.delete(pool);
  for (let i = 0; i < sockets.length; i += 500) await Promise.all(sockets.slice(i, i + 500).map((s) => s?.close()));
  return { closed: sockets.length };
}

const BODY_MARK = Buffer.from('"body":"hub ');
const SEQ_MARK = Buffer.from('"seq":');

/** Reads a non-negative decimal number (digits, optional fraction) at `i`; returns [value, index after]. */
function readNumber(frame: Buffer, i: number): [number, number] {
  let value = 0;
  while (frame[i] >= 0x30 && frame[i] <= 0x39) value = value * 10 + (frame[i++] - 0x30);
  if (frame[i] === 0x2e) {
    let scale = 0.1;
    i++;
    while (frame[i] >= 0x30 && frame[i] <= 0x39) {
      value += (frame[i++] - 0x30) * scale;
      scale /= 10;
    }
  }
  return [value, i];
}

async function chat(cmd: ChatCommand): Promise<ChatResult> {
  const pool = (pools.get(cmd.pool) ?? []).filter((s): s is WireSocket => s !== undefined);
  const G = cmd.genCount;
  const g = cmd.genIndex;
  const byRoom = cmd.rooms.map(() => [] as WireSocket[]);
  const roomIndex = new Map(cmd.rooms.map((room, i) => [room, i]));
  for (const socket of pool) byRoom[roomIndex.get(socket.room) ?? -1]?.push(socket);
  const nextSender = new Int32Array(cmd.rooms.length);
  const interval = 1000 / cmd.rate;
  const windowStart = cmd.startAt + cmd.warmupMs;
  const windowEnd = windowStart + cmd.measureMs;
  const totalGlobal = Math.floor(((cmd.warmupMs + cmd.measureMs) * cmd.rate) / 1000);
  const own = Math.min(cmd.maxPerGen, totalGlobal > g ? Math.ceil((totalGlobal - g) / G) : 0);

  const received = Array.from({ length: G }, () => new Uint16Array(cmd.maxPerGen));
  const latencies = new Samples();
  const ackLatencies = new Samples();
  const lags = new Samples();
  const roomOf = new Int32Array(cmd.maxPerGen).fill(-1);
  const inWindow = new Uint8Array(cmd.maxPerGen);
  let deliveriesInWindow = 0;
  let outOfOrder = 0;
  let gaps = 0;
  let lastDeliveryAt = epochNow();
  let sent = 0;
  let sentInWindow = 0;
  let acked = 0;
  let ackErrors = 0;
  const ackErrorSamples: string[] = [];
  const disconnectsBefore = pool.filter((s) => s.dropped).length;

  const onChat = (frame: Buffer, socket: WireSocket) => {
    const now = epochNow();
    lastDeliveryAt = now;
    if (now >= windowStart && now < windowEnd) deliveriesInWindow++;
    const at = frame.indexOf(BODY_MARK);
    if (at < 0) return;
    const [gen, i1] = readNumber(frame, at + BODY_MARK.length);
    const [k, i2] = readNumber(frame, i1 + 1);
    const [sentAt] = readNumber(frame, i2 + 1);
    if (sentAt >= windowStart && sentAt < windowEnd) latencies.push(now - sentAt);
    if (gen < G && k < cmd.maxPerGen) received[gen][k]++;
    const seqAt = frame.indexOf(SEQ_MARK);
    if (seqAt >= 0) {
      const [seq] = readNumber(frame, seqAt + SEQ_MARK.length);
      if (seq <= socket.lastSeq) outOfOrder++;
      else {
        gaps += seq - socket.lastSeq - 1;
        socket.lastSeq = seq;
      }
    }
  };
  for (const socket of pool) socket.onChat = onChat;

  let measureCpu: (() => number) | null = null;
  let cpuShare = 0;
  const cpuTimers = [
    setTimeout(() => (measureCpu = cpuMeter()), Math.max(0, windowStart - epochNow())),
    setTimeout(() => (cpuShare = measureCpu?.() ?? 0), Math.max(0, windowEnd - epochNow())),
  ];

  const pad = 'x'.repeat(cmd.bodyLength);
  const send = (k: number, j: number, scheduled: number) => {
    let ri = j % cmd.rooms.length;
    for (let tries = 0; byRoom[ri].length === 0 && tries < cmd.rooms.length; tries++) ri = (ri + 1) % cmd.rooms.length;
    const senders = byRoom[ri];
    if (senders.length === 0) return;
    const socket = senders[nextSender[ri]++ % senders.length];
    const sentAt = epochNow();
    lags.push(sentAt - scheduled);
    const head = `hub ${g} ${k} ${sentAt.toFixed(3)} `;
    const body = head + pad.slice(0, Math.max(1, cmd.bodyLength - head.length));
    roomOf[k] = ri;
    if (sentAt >= windowStart && sentAt < windowEnd) {
      inWindow[k] = 1;
      sentInWindow++;
    }
    sent++;
    socket.emit('chat:send', { roomId: cmd.rooms[ri], clientId: `${cmd.tag}g${g}k${k}`, body }, (response) => {
      const ok = (response as { ok?: boolean } | null)?.ok === true;
      if (ok) {
        acked++;
        ackLatencies.push(epochNow() - sentAt);
      } else {
        ackErrors++;
        if (ackErrorSamples.length < 5) ackErrorSamples.push(JSON.stringify((response as { error?: unknown } | null)?.error ?? response));
      }
    });
  };

  await new Promise<void>((resolve) => {
    let k = 0;
    const tick = () => {
      const now = epochNow();
      while (k < own) {
        const j = k * G + g;
        const scheduled = cmd.startAt + j * interval;
        if (scheduled > now) break;
        send(k, j, scheduled);
        k++;
      }
      if (k < own) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, Math.max(0, cmd.startAt - epochNow()));
  });
  await untilEpoch(windowEnd);
  cpuTimers.forEach(clearTimeout);
  if (measureCpu && cpuShare === 0) cpuShare = (measureCpu as () => number)();

  // Drain: every ack back (or 60 s), then no delivery for a second (or 60 s more).
  const drainStart = epochNow();
  while (acked + ackErrors < sent && epochNow() - drainStart < 60_000) await new Promise((r) => setTimeout(r, 20));
  const quietStart = epochNow();
  while (epochNow() - lastDeliveryAt < 1000 && epochNow() - quietStart < 60_000) await new Promise((r) => setTimeout(r, 50));
  for (const socket of pool) socket.onChat = null;

  const lagSorted = lags.take().sort();
  return {
    sent, sentInWindow, acked, ackErrors, ackErrorSamples,
    ackLatencies: ackLatencies.take(),
    sendLagP99: lagSorted.length ? lagSorted[Math.min(lagSorted.length - 1, Math.floor(lagSorted.length * 0.99))] : 0,
    latencies: latencies.take(),
    deliveriesInWindow, received, roomOf, inWindow, outOfOrder, gaps,
    disconnects: pool.filter((s) => s.dropped).length - disconnectsBefore,
    cpuShare,
    drainMs: epochNow() - drainStart,
  };
}

async function signup(cmd: SignupCommand): Promise<SignupResult> {
  const pool = pools.get(cmd.pool) ?? [];
  const mine = pool.filter((s, l): s is WireSocket => s !== undefined && l * cmd.genCount + cmd.genIndex < cmd.count);
  const errors: string[] = [];
  const positions: number[] = [];
  let confirmed = 0;
  let waitlisted = 0;
  let lastAckAt = 0;
  await untilEpoch(cmd.startAt);
  const cpu = cpuMeter();
  const firstSentAt = epochNow();
  await Promise.all(mine.map((socket) => socket.emitWithAck<{ ok: boolean; data?: { status: string; position: number | null }; error?: unknown }>('meeting:signup', { meetingId: cmd.meetingId }, 120_000).then(
    (ack) => {
      lastAckAt = epochNow();
      if (!ack?.ok) {
        if (errors.length < 5) errors.push(JSON.stringify(ack?.error ?? ack));
      } else if (ack.data?.status === 'confirmed') confirmed++;
      else if (ack.data?.status === 'waitlisted') {
        waitlisted++;
        positions.push(Number(ack.data.position));
      } else if (errors.length < 5) errors.push(`unexpected status ${JSON.stringify(ack.data)}`);
    },
    (error: Error) => {
      lastAckAt = epochNow();
      if (errors.length < 5) errors.push(error.message);
    },
  )));
  return { attempts: mine.length, firstSentAt, lastAckAt, confirmed, waitlisted, positions, errors, cpuShare: cpu() };
}

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'connect': return connect(request);
    case 'close': return close(request.pool);
    case 'chat': return chat(request);
    case 'signup': return signup(request);
    case 'exit':
      for (const pool of [...pools.keys()]) await close(pool);
      setTimeout(() => process.exit(0), 50);
      return {};
  }
}

process.on('message', (request: Request) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ok: true, result }),
    (error: Error) => process.send!({ id: request.id, ok: false, error: error?.stack ?? String(error) }),
  );
});
// The bench went away: so do we.
process.on('disconnect', () => process.exit(0));
