import { lazy, Suspense } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { watchIncoming } from '../call/incoming';
import { t } from '../i18n';
import { openGuestSocket } from '../socket';
import { IncomingCall } from './IncomingCall';
import { LanguageSwitch } from './LanguageSwitch';

const CallPage = lazy(() => import('../call/CallPage'));

interface GuestInfo {
  guest: { inviteId: number; label: string; expiresAt: string };
  member: { id: number; name: string };
}

/** A family member's page: no account, a camera preview, and one button to call the member who invited them. */
export function GuestPage({ token }: { token: string }) {
  const [info, setInfo] = useState<GuestInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [intent, setIntent] = useState<{ userId: number; audioOnly?: boolean } | { answer: string; audioOnly?: boolean } | null>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const socket = useMemo(() => openGuestSocket(token), [token]);
  const ringing = useMemo(() => watchIncoming(socket), [socket]);

  useEffect(() => {
    fetch('/api/guest/me', { headers: { authorization: `Bearer ${token}` } })
      .then(async (res) => (res.ok ? setInfo(await res.json()) : setProblem(t('guest.invalid'))))
      .catch(() => setProblem(t('login.offline')));
    socket.on('connect_error', (error) => setProblem(error.message === 'conflict' ? t('guest.busy') : t('guest.invalid')));
    socket.on('disconnect', (reason) => reason === 'io server disconnect' && setProblem(t('guest.invalid')));
    return () => socket.close();
  }, [socket]);

  useEffect(() => {
    if (intent || !info) return;
    let stream: MediaStream | null = null;
    navigator.mediaDevices
      ?.getUserMedia({ video: true, audio: false })
      .then((s) => {
        stream = s;
        if (preview.current) preview.current.srcObject = s;
      })
      .catch(() => setProblem(t('call.noCamera')));
    return () => stream?.getTracks().forEach((track) => track.stop());
  }, [info, intent]);

  if (intent && info) {
    return (
      <div class="guest-call">
        <Suspense fallback={<p role="status">{t('call.connecting')}</p>}>
          <CallPage socket={socket} token={token} intent={intent} peerName={info.member.name} onDone={() => setIntent(null)} />
        </Suspense>
      </div>
    );
  }
  return (
    <main class="guest" id="main">
      <div class="login-top">
        <LanguageSwitch />
      </div>
      <h1>{info ? t('guest.title', { name: info.member.name }) : t('app.name')}</h1>
      {problem && (
        <p class="notice error" role="alert">
          {problem}
        </p>
      )}
      {info && !problem && (
        <>
          <p>{t('guest.hello', { label: info.guest.label })}</p>
          <video ref={preview} class="preview" autoPlay playsInline muted aria-label={t('guest.preview')} />
          <div class="actions">
            <button type="button" onClick={() => setIntent({ userId: info.member.id })}>
              {t('guest.call', { name: info.member.name })}
            </button>
            <button type="button" class="secondary" onClick={() => setIntent({ userId: info.member.id, audioOnly: true })}>
              {t('guest.voiceCall')}
            </button>
          </div>
        </>
      )}
      <IncomingCall ringing={ringing} socket={socket} onAccept={(call) => setIntent({ answer: call.callId, audioOnly: call.audioOnly })} />
    </main>
  );
}
