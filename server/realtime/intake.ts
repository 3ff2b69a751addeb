import type { Socket } from 'socket.io';

/** Commands of one socket handled in one turn of the event loop before the next turn takes more. */
const PER_TURN = 1;
/** Commands waiting on one socket beyond which it is disconnected: no client waits for that many answers. */
const MAX_WAITING = 1_000;

/**
 * Takes a socket's commands in slices: at most PER_TURN per turn of the event loop, the rest on the next ones
 * (setImmediate), in order. A socket whose frames arrive hundreds at a time would otherwise have all of them
 * validated, answered and written in the turn that read them, and every other member's database and Redis
 * replies waited behind that turn: a transaction of six statements paid it six times (R7: an honest member's
 * message took up to 1.4 s while one socket flooded malformed commands, though each statement took microseconds).
 */
class Intake {
  private readonly waiting: Array<() => void> = [];
  /** Commands run in this turn; a turn is over when the setImmediate below runs. */
  private used = 0;
  private scheduled = false;

  constructor(private readonly socket: Socket) {}

  take(command: () => void): void {
    if (this.waiting.length >= MAX_WAITING) {
      this.waiting.length = 0;
      this.socket.disconnect(true);
      return;
    }
    this.schedule();
    // A socket sending a command now and then has it run at once; only a burst waits for the next turns.
    if (this.waiting.length === 0 && this.used < PER_TURN) {
      this.used++;
      command();
    } else {
      this.waiting.push(command);
    }
  }

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  private readonly turn = () => {
    this.scheduled = false;
    // A socket gone meanwhile has nobody to answer: what it sent is dropped (its client sends it again).
    if (this.socket.disconnected) this.waiting.length = 0;
    const now = this.waiting.splice(0, PER_TURN);
    this.used = now.length;
    if (this.used > 0) this.schedule(); // the next turn starts counting afresh (and takes what is left)
    for (const command of now) command();
  };
}

const intakes = new WeakMap<Socket, Intake>();

/** The socket's intake (made on first use). */
export function intakeOf(socket: Socket): Intake {
  let intake = intakes.get(socket);
  if (!intake) intakes.set(socket, (intake = new Intake(socket)));
  return intake;
}
