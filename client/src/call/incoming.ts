import { signal } from '@preact/signals';
import type { AppSocket } from '../socket';

export interface IncomingCall {
  callId: string;
  from: { id: number | null; name: string; guest?: boolean };
  audioOnly?: boolean;
}

/** The call ringing on this page right now, if any: shown on every page until answered elsewhere or ended. */
export function watchIncoming(socket: AppSocket) {
  const ringing = signal<IncomingCall | null>(null);
  socket.on('call:incoming', (call) => (ringing.value = call));
  socket.on('call:ended', ({ callId }) => {
    if (ringing.value?.callId === callId) ringing.value = null;
  });
  return ringing;
}
