import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { AppError, toErrorBody, unavailable } from '../errors';
import type { Logger } from '../logger';
import { parseError } from '../validation';
import type { Ack } from '../contract/errors';
import { intakeOf } from './intake';
import type { CommandLanes } from './lanes';

const ACK_TIMEOUT_MS = 15_000;
const BUSY = 'the server is busy; try again';

export interface HandlerContext {
  log: Logger;
  observe(event: string, seconds: number, ok: boolean): void;
  /** Commands started and not yet acknowledged (shutdown waits for them). */
  inFlight: { count: number };
  /** Set when shutdown begins: new commands are answered `unavailable` (the client sends them again elsewhere). */
  closing: { value: boolean };
  /** Each member's commands a few at a time (a flooding socket waits for its own). */
  lanes: CommandLanes;
}

/**
 * The one edge wrapper for socket commands: finds the ack whatever the client sent, validates the
 * payload with its zod schema, runs the handler (which authorizes through the domain) in its member's lane
 * (server/realtime/lanes.ts) and always acks
 * `{ok:true,data}` or `{ok:false,error}`, also when the handler throws or takes too long.
 */
export function handle<S extends z.ZodType, R>(
  socket: Socket,
  event: string,
  schema: S,
  run: (input: z.infer<S>) => Promise<R>,
  ctx: HandlerContext,
): void {
  socket.on(event, (...args: unknown[]) => {
    if (typeof args[args.length - 1] !== 'function') return; // nobody to answer: a command must carry an ack
    intakeOf(socket).take(() => void answer(args));
  });

  const answer = async (args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = last as (response: Ack<R>) => void;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    ctx.inFlight.count++;
    try {
      if (ctx.closing.value) throw unavailable('the server is restarting; try again');
      const parsed = schema.safeParse(args.length > 1 ? args[0] : undefined);
      if (!parsed.success) throw parseError(parsed.error);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable(BUSY)), ACK_TIMEOUT_MS);
      });
      let answered = false;
      const work = async () => {
        const leave = await ctx.lanes.enter(socket.data.actor ? `u${socket.data.actor.id}` : `s${socket.id}`);
        try {
          if (answered) throw unavailable(BUSY); // timed out while waiting: not run
          return await run(parsed.data);
        } finally {
          leave();
        }
      };
      const data = await Promise.race([work(), timeout]).finally(() => (answered = true));
      ctx.observe(event, (performance.now() - started) / 1000, true);
      ack({ ok: true, data });
    } catch (error) {
      if (!(error instanceof AppError)) ctx.log.error({ err: error, event, userId: socket.data.actor?.id }, 'socket command failed');
      ctx.observe(event, (performance.now() - started) / 1000, false);
      ack({ ok: false, error: toErrorBody(error) });
    } finally {
      clearTimeout(timer);
      ctx.inFlight.count--;
    }
  };
}
