import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { AppError, toErrorBody } from '../errors';
import type { Logger } from '../logger';
import { parseError } from '../validation';
import type { Ack } from '../contract/errors';

const ACK_TIMEOUT_MS = 15_000;

export interface HandlerContext {
  log: Logger;
  observe(event: string, seconds: number, ok: boolean): void;
  /** Commands started and not yet acknowledged (shutdown waits for them). */
  inFlight: { count: number };
}

/**
 * The one edge wrapper for socket commands: finds the ack whatever the client sent, validates the
 * payload with its zod schema, runs the handler (which authorizes through the domain) and always acks
 * `{ok:true,data}` or `{ok:false,error}`, also when the handler throws or takes too long.
 */
export function handle<S extends z.ZodType, R>(
  socket: Socket,
  event: string,
  schema: S,
  run: (input: z.infer<S>) => Promise<R>,
  ctx: HandlerContext,
): void {
  socket.on(event, async (...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last !== 'function') return; // nobody to answer: a command must carry an ack
    const ack = last as (response: Ack<R>) => void;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    ctx.inFlight.count++;
    try {
      const parsed = schema.safeParse(args.length > 1 ? args[0] : undefined);
      if (!parsed.success) throw parseError(parsed.error);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AppError('unavailable', 'the server is busy; try again')), ACK_TIMEOUT_MS);
      });
      const data = await Promise.race([run(parsed.data), timeout]);
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
  });
}
