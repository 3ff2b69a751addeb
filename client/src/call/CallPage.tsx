import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../errors';
import { t, type MessageKey } from '../i18n';
import type { AppSocket } from '../socket';
import { CallSession } from './callSession';

/** What the page was opened for: answer a call, or call a user or a guest; voice only or with video. */
export type CallIntent = ({ answer: string } | { userId: number; checkinId?: number } | { guestInviteId: number }) & { audioOnly?: boolean };

// The session outlives the component, so moving around the app does not drop the call.
let current: CallSession | null = null;

function Video({ stream, muted, label }: { stream: MediaStream | null; muted: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} aria-label={label} />;
}

/** mm:ss (or h:mm:ss) since the call connected. */
function Timer({ since }: { since: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const s = Math.max(0, Math.floor((Date.now() - since) / 1000));
  const text = `${s >= 3600 ? `${Math.floor(s / 3600)}:` : ''}${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return (
    <span class="timer" role="timer" aria-label={t('call.duration', { time: text })}>
      {text}
    </span>
  );
}

/** The call screen: the other side (or "voice only"), my picture, the state in words, the timer and the controls. */
export default function CallPage({ socket, token, intent, peerName, onDone }: { socket: AppSocket; token: string; intent: CallIntent; peerName: string; onDone: () => void }) {
  const [session, setSession] = useState<CallSession | null>(current && current.phase.value !== 'ended' ? current : null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (session) return;
    let cancelled = false;
    (async () => {
      const s = new CallSession(socket, 'answer' in intent ? 'callee' : 'caller', token);
      try {
        await s.prepare(intent.audioOnly === true); // camera first: the caller sees themself while it rings
        if (cancelled) return s.dispose();
        current = s;
        setSession(s);
        if ('answer' in intent) await s.accept(intent.answer);
        else await s.invite(intent);
      } catch (e) {
        s.dispose();
        const name = (e as Error).name;
        setError(name === 'NotAllowedError' || name === 'NotFoundError' ? t('call.noCamera') : describeError(e));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  const phase = session?.phase.value ?? 'ringing';
  const reason = session?.endReason.value;
  const connectedAt = session?.connectedAt.value;
  const voiceOnly = session ? session.audioOnly.value || session.remoteVoiceOnly.value : intent.audioOnly === true;
  let statusText = phase === 'ended' ? `${t('call.ended')}${reason ? ` · ${t(`call.reason.${reason}` as MessageKey)}` : ''}` : t(`call.${phase}` as MessageKey);
  if (phase === 'ringing' && session?.calleeOffline.value) statusText = t('call.offline', { name: peerName });

  return (
    <main class="call" id="main" aria-label={t('call.with', { name: peerName })}>
      <div class="call-head">
        <h1 class="call-title">{peerName}</h1>
        {connectedAt && phase !== 'ended' && <Timer since={connectedAt} />}
        {voiceOnly && <span>{t('call.voiceOnly')}</span>}
      </div>
      <p class="call-status" role="status" aria-live="assertive" data-phase={phase}>
        {error ?? statusText}
      </p>
      <div class="videos">
        <Video stream={session?.remoteStream.value ?? null} muted={false} label={t('call.remote')} />
        {voiceOnly && (
          <div class="voice-only" aria-hidden="true">
            <span class="avatar">{peerName.trim().charAt(0)}</span>
            <span>{t('call.voiceOnly')}</span>
          </div>
        )}
        {session && !session.audioOnly.value && (
          <div class="self">
            <Video stream={session.localStream.value} muted label={t('call.you')} />
          </div>
        )}
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
          {!session.audioOnly.value && session.canSwitchCamera.value && (
            <button type="button" class="secondary" onClick={() => void session.switchCamera().catch(() => {})}>
              {t('call.switchCamera')}
            </button>
          )}
          {session.audioOnly.value ? (
            <button type="button" class="secondary" onClick={() => void session.backToVideo().catch(() => setError(t('call.noCamera')))}>
              {t('call.backToVideo')}
            </button>
          ) : (
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
