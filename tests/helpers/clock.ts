import type { Clock } from '../../server/domain/ports';

/**
 * A clock a test pins to an instant of its choice; from there it runs at the real pace (timers, Redis
 * expiries and BullMQ delays keep working). `set` moves it to another instant.
 */
export class TestClock implements Clock {
  private offset = 0;

  constructor(at?: string) {
    if (at) this.set(at);
  }

  now(): number {
    return Date.now() + this.offset;
  }

  set(at: string): void {
    this.offset = Date.parse(at) - Date.now();
  }
}
