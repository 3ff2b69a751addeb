import { signal } from '@preact/signals';
import type SimplePeerType from 'simple-peer';
import type { CallEndReason } from '../../../server/contract/model';
import { command, type AppSocket } from '../socket';

export type CallPhase = 'ringing' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** Messages of our own that travel with the signals: start over, or the other side went voice-only / back to video. */
type Control = { kitestring: 'restart' | 'audio-only' | 'video' };
const control = (kitestring: Control['kitestring']): Control => ({ kitestring });

/**
 * One video call in the browser: the camera, a simple-peer connection whose signals travel only
 * through the server (call:signal), and the controls. Survives a drop: when either side's socket comes
 * back (call:rejoin / call:peer reconnected) or the ICE connection fails, both sides start a fresh peer
 * and the caller offers again.
 */
export class CallSession {
  readonly phase = signal<CallPhase>('ringing');
  readonly endReason = signal<CallEndReason | null>(null);
  readonly localStream = signal<MediaStream | null>(null);
  readonly remoteStream = signal<MediaStream | null>(null);
  readonly muted = signal(false);
  readonly cameraOff = signal(false);
  readonly audioOnly = signal(false);
  /** The other side sends no video (they chose voice only, or it is a voice call). */
  readonly remoteVoiceOnly = signal(false);
  /** When the two sides connected (for the call timer). */
  readonly connectedAt = signal<number | null>(null);
  /** The callee had no socket open when the call was placed: it rings out into a missed call. */
  readonly calleeOffline = signal(false);
  /** More than one camera (a phone's front and back): switching cameras is offered only then. */
  readonly canSwitchCamera = signal(false);
  private facing: 'user' | 'environment' = 'user';
  /**
   * The one stream the peer sends: tracks come and go on it (never a new stream), so the other side keeps one
   * remote stream, the one its <video> plays, voice included.
   */
  private media: MediaStream | null = null;
  /** The camera track that was in the call before voice only: simple-peer finds the video sender by it. */
  private pausedVideo: MediaStreamTrack | null = null;
  private peer: SimplePeerType.Instance | null = null;
  private Peer: typeof SimplePeerType | null = null;
  private iceServers: RTCIceServer[] = [];
  private readonly off: Array<() => void> = [];

  /** Known once the call is placed (caller) or from the ring (callee). */
  callId = '';

  constructor(
    private readonly socket: AppSocket,
    readonly role: 'caller' | 'callee',
    private readonly token: string,
  ) {}

  /** Places the call; it rings on the other side until answered, declined or timed out. */
  async invite(target: { userId: number; checkinId?: number } | { guestInviteId: number }): Promise<void> {
    const ack = await command(this.socket, 'call:invite', { ...target, ...(this.audioOnly.value ? { audioOnly: true } : {}) });
    if (!ack.ok) throw ack.error;
    this.callId = ack.data.callId;
    this.calleeOffline.value = ack.data.online === false;
  }

  /** Camera (unless voice only) and microphone, the ICE servers and simple-peer (loaded only now, for the call page). */
  async prepare(voiceOnly = false): Promise<void> {
    this.audioOnly.value = voiceOnly;
    const [stream, ice, lib] = await Promise.all([
      navigator.mediaDevices.getUserMedia({ video: voiceOnly ? false : { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: this.facing }, audio: true }),
      fetch('/api/ice-servers', { headers: { authorization: `Bearer ${this.token}` } }).then((r) => (r.ok ? r.json() : { iceServers: [] })),
      import('simple-peer/simplepeer.min.js'),
    ]);
    this.media = stream;
    this.localStream.value = stream;
    this.iceServers = ice.iceServers ?? [];
    this.Peer = lib.default;
    this.listen();
    // Device labels and counts are known only once a camera permission was granted, i.e. now.
    void navigator.mediaDevices
      .enumerateDevices()
      .then((devices) => (this.canSwitchCamera.value = devices.filter((d) => d.kind === 'videoinput').length > 1))
      .catch(() => {});
  }

  /** The callee answered (we are the caller), or we answered (callee): start the peer. */
  start(): void {
    if (this.phase.value === 'ended') return;
    this.phase.value = 'connecting';
    this.newPeer();
  }

  async accept(callId: string): Promise<boolean> {
    this.callId = callId;
    const ack = await command(this.socket, 'call:accept', { callId: this.callId });
    if (!ack.ok) {
      this.finish('hangup');
      return false;
    }
    this.start();
    return true;
  }

  async hangup(): Promise<void> {
    await command(this.socket, 'call:hangup', { callId: this.callId });
    this.finish('hangup');
  }

  toggleMute(): void {
    this.muted.value = !this.muted.value;
    for (const track of this.localStream.value?.getAudioTracks() ?? []) track.enabled = !this.muted.value;
  }

  toggleCamera(): void {
    this.cameraOff.value = !this.cameraOff.value;
    for (const track of this.localStream.value?.getVideoTracks() ?? []) track.enabled = !this.cameraOff.value;
  }

  /**
   * For a weak link: no video either way. Our video sender is emptied (replaceTrack(null): no renegotiation,
   * nothing sent) and the camera released; the other side is told, empties its own and shows "voice only".
   */
  switchToAudioOnly(tell = true): void {
    const stream = this.media;
    if (!stream || this.audioOnly.value) return;
    this.audioOnly.value = true;
    this.remoteVoiceOnly.value = true;
    for (const track of stream.getVideoTracks()) {
      try {
        this.peer?.replaceTrack(track, null as unknown as MediaStreamTrack, stream); // simple-peer passes null on to the sender
        this.pausedVideo = track;
      } catch {
        // not in the connection (yet): nothing to empty
      }
      track.stop();
      stream.removeTrack(track);
    }
    this.localStream.value = new MediaStream(stream.getTracks());
    if (tell) this.tell('audio-only');
  }

  /** Video again, both ways: a fresh camera track fills the video sender (or joins the call) and the other side is asked to do the same. */
  async backToVideo(tell = true): Promise<void> {
    const stream = this.media;
    if (!stream || !this.audioOnly.value) return;
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: this.facing } });
    const track = camera.getVideoTracks()[0];
    this.audioOnly.value = false;
    this.remoteVoiceOnly.value = false;
    this.cameraOff.value = false;
    stream.addTrack(track);
    if (this.pausedVideo) this.peer?.replaceTrack(this.pausedVideo, track, stream);
    else this.peer?.addTrack(track, stream); // a voice call gaining video: one renegotiation
    this.pausedVideo = null;
    this.localStream.value = new MediaStream(stream.getTracks());
    if (tell) this.tell('video');
  }

  /** The front camera or the back one (phones). */
  async switchCamera(): Promise<void> {
    const stream = this.media;
    const old = stream?.getVideoTracks()[0];
    if (!stream || !old) return;
    // The next camera in the list (a phone's front and back; a laptop's built-in and plugged-in one):
    // facingMode alone picks the same camera where cameras report no facing (most laptops, USB cameras).
    const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    const next = cameras[(cameras.findIndex((d) => d.deviceId === old.getSettings().deviceId) + 1) % cameras.length];
    const camera = await navigator.mediaDevices.getUserMedia({ video: next ? { deviceId: { exact: next.deviceId } } : { facingMode: this.facing === 'user' ? 'environment' : 'user' } });
    const track = camera.getVideoTracks()[0];
    this.facing = track.getSettings().facingMode === 'environment' ? 'environment' : 'user';
    this.peer?.replaceTrack(old, track, stream);
    old.stop();
    stream.removeTrack(old);
    stream.addTrack(track);
    this.localStream.value = new MediaStream(stream.getTracks());
  }

  private tell(what: Control['kitestring']): void {
    if (this.callId && this.phase.value !== 'ended') void command(this.socket, 'call:signal', { callId: this.callId, signal: control(what) });
  }

  dispose(): void {
    this.off.forEach((f) => f());
    this.peer?.destroy();
    for (const track of this.localStream.value?.getTracks() ?? []) track.stop();
  }

  private listen(): void {
    const on = <E extends 'call:signal' | 'call:accepted' | 'call:ended' | 'call:peer'>(event: E, handler: (payload: any) => void) => {
      this.socket.on(event as any, handler);
      this.off.push(() => this.socket.off(event as any, handler));
    };
    on('call:accepted', ({ callId }) => callId === this.callId && this.role === 'caller' && this.start());
    on('call:signal', ({ callId, signal: data }) => {
      if (callId !== this.callId) return;
      const said = (data as Partial<Control>)?.kitestring;
      if (said === 'restart') return this.restart(false);
      if (said === 'audio-only') return this.switchToAudioOnly(false);
      if (said === 'video') {
        this.remoteVoiceOnly.value = false;
        return void this.backToVideo(false).catch(() => {});
      }
      // A candidate still trickling in for a peer that failed or was replaced is of no use (and throws).
      if (this.peer && !this.peer.destroyed) this.peer.signal(data as SimplePeerType.SignalData);
    });
    on('call:ended', ({ callId, reason }) => callId === this.callId && this.finish(reason));
    on('call:peer', ({ callId, state }) => {
      if (callId !== this.callId) return;
      if (state === 'reconnecting') this.phase.value = 'reconnecting';
      else this.restart(false);
    });
    const onReconnect = async () => {
      if (this.phase.value === 'ended') return;
      const ack = await command(this.socket, 'call:rejoin', { callId: this.callId });
      if (!ack.ok) return this.finish('disconnected');
      if (ack.data.status === 'active') this.restart(false);
    };
    this.socket.io.on('reconnect', onReconnect);
    this.off.push(() => this.socket.io.off('reconnect', onReconnect));
  }

  private newPeer(): void {
    this.peer?.destroy();
    this.pausedVideo = null;
    const peer = new this.Peer!({
      initiator: this.role === 'caller',
      stream: this.media ?? undefined,
      config: { iceServers: this.iceServers },
    });
    this.peer = peer;
    peer.on('signal', (data) => void command(this.socket, 'call:signal', { callId: this.callId, signal: data }));
    peer.on('stream', (stream: MediaStream) => {
      this.remoteStream.value = stream;
      if (stream.getVideoTracks().length === 0) this.remoteVoiceOnly.value = true;
    });
    peer.on('track', (track: MediaStreamTrack) => {
      if (track.kind === 'video') this.remoteVoiceOnly.value = this.audioOnly.value;
    });
    peer.on('connect', () => {
      this.phase.value = 'connected';
      this.connectedAt.value ??= Date.now();
      // A voice call (or one switched before connecting): the other side sends no video either.
      if (this.audioOnly.value) this.tell('audio-only');
    });
    const failed = () => {
      if (this.peer !== peer || this.phase.value === 'ended') return;
      this.phase.value = 'reconnecting';
      // The caller leads a restart while the socket still works.
      if (this.role === 'caller' && this.socket.connected) setTimeout(() => this.restart(true), 1000);
    };
    peer.on('error', failed);
    peer.on('close', failed);
  }

  private restart(announce: boolean): void {
    if (this.phase.value === 'ended') return;
    this.phase.value = 'connecting';
    if (announce) this.tell('restart');
    this.newPeer();
  }

  private finish(reason: CallEndReason): void {
    if (this.phase.value === 'ended') return;
    this.endReason.value = reason;
    this.phase.value = 'ended';
    this.dispose();
  }
}
