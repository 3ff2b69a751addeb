/** Reading a process from the outside: CPU time and RSS from /proc, readiness over HTTP, free ports. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // Linux's usual value.
}

/** User + system CPU seconds the process (all its threads) has used so far, or NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime field 14, stime field 15 (1-based, man proc).
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size in bytes, or NaN when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The soft limit of open files of a process (what 15,000 sockets need). */
export function openFilesLimit(pid: number | 'self' = 'self'): number {
  try {
    const match = /Max open files\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return match ? (match[1] === 'unlimited' ? Infinity : Number(match[1])) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200; resolves with the moment it did (performance.now()). */
export async function waitReady(url: string, timeoutMs: number, alive: () => boolean): Promise<number> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (!alive()) throw new Error(`the process exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Resolves at epoch time `at` (performance.timeOrigin + performance.now() clock). */
export function untilEpoch(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - epochNow())));
}

export const epochNow = () => performance.timeOrigin + performance.now();

/** CPU seconds the whole machine has been busy (all cores; /proc/stat: user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}
