import { useEffect, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n';
import type { AppSocket } from '../socket';
import { CallSession } from './callSession';

/** What the page was opened for: answer a call, or call a user or a guest. */
export type CallIntent = { answer: string } | { userId: number; checkinId?: number } | { guestInviteId: number };

// The session outlives the component, so moving around the app does not drop the call.
let current: CallSession | null = null;

function Video({ stream, muted, label }: { stream: MediaStream | null; muted: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} aria-label={label} />;
}

/** The call screen: both videos, the state in words, and the controls. */
export default function CallPage({ socket, token, intent, peerName, onDone }: { socket: AppSocket; token: string; intent: CallIntent; peerName: string; onDone: () => void }) {
  const [session, setSession] = useState<CallSession | null>(current && current.phase.value !== 'ended' ? current : null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (session) return;
    let cancelled = false;
    (async () => {
      const s = new CallSession(socket, 'answer' in intent ? 'callee' : 'caller', token);
      try {
        await s.prepare(); // camera first: the caller sees themself while it rings
        if (cancelled) return s.dispose();
        current = s;
        setSession(s);
        if ('answer' in intent) await s.accept(intent.answer);
        else await s.invite(intent);
      } catch (e) {
        s.dispose();
        const name = (e as Error).name;
        setError(name === 'NotAllowedError' || name === 'NotFoundError' ? t('call.noCamera') : (e as Error).message);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  const phase = session?.phase.value ?? 'ringing';
  const reason = session?.endReason.value;
  const statusText = phase === 'ended' ? `${t('call.ended')}${reason ? ` · ${t(`call.reason.${reason}` as MessageKey)}` : ''}` : t(`call.${phase}` as MessageKey);

  return (
    <main class="call" id="main" aria-label={peerName}>
      <h1 class="call-title">{peerName}</h1>
      <p class="call-status" role="status" aria-live="assertive" data-phase={phase}>
        {error ?? statusText}
      </p>
      <div class="videos">
        <Video stream={session?.remoteStream.value ?? null} muted={false} label={t('call.remote')} />
        <div class="self">
          <Video stream={session?.localStream.value ?? null} muted label={t('call.you')} />
        </div>
      </div>
      {session && phase !== 'ended' ? (
        <div class="controls">
          <button type="button" class="secondary" aria-pressed={session.muted.value} onClick={() => session.toggleMute()}>
            {session.muted.value ? t('call.unmute') : t('call.mute')}
          </button>
          {!session.audioOnly.value && (
            <button type="button" class="secondary" aria-pressed={session.cameraOff.value} onClick={() => session.toggleCamera()}>
              {session.cameraOff.value ? t('call.cameraOn') : t('call.cameraOff')}
            </button>
          )}
          {!session.audioOnly.value && (
            <button type="button" class="secondary" onClick={() => session.switchToAudioOnly()}>
              {t('call.audioOnly')}
            </button>
          )}
          <button type="button" class="danger" onClick={() => void session.hangup()}>
            {t('call.hangup')}
          </button>
        </div>
      ) : (
        <div class="controls">
          <button type="button" onClick={onDone}>
            {t('call.back')}
          </button>
        </div>
      )}
    </main>
  );
}
