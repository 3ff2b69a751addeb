import type { Signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { IncomingCall as Incoming } from '../call/incoming';
import { startRingtone } from '../call/ringtone';
import { t } from '../i18n';
import { command, type AppSocket } from '../socket';

/** The ringing call: accept (opens the call page) or decline. Focus moves to it so keyboards and screen readers find it. */
export function IncomingCall({ ringing, socket, onAccept }: { ringing: Signal<Incoming | null>; socket: AppSocket; onAccept: (call: Incoming) => void }) {
  const call = ringing.value;
  const acceptRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!call) return;
    acceptRef.current?.focus();
    return startRingtone();
  }, [call?.callId]);
  if (!call) return null;
  return (
    <div class="incoming" role="alertdialog" aria-labelledby="incoming-title">
      <p id="incoming-title">{t(call.audioOnly ? 'call.incomingVoice' : 'call.incoming', { name: call.from.name })}</p>
      <button
        ref={acceptRef}
        type="button"
        class="accept"
        onClick={() => {
          ringing.value = null;
          onAccept(call);
        }}
      >
        {t('call.accept')}
      </button>
      <button
        type="button"
        class="danger"
        onClick={() => {
          ringing.value = null;
          void command(socket, 'call:decline', { callId: call.callId });
        }}
      >
        {t('call.decline')}
      </button>
    </div>
  );
}
