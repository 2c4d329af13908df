// Records a call on the box itself: the citizen's video and audio and the officer's audio go through
// PlainTransports into ffmpeg, which writes 10-second Matroska segments (a crash loses at most the
// segment being written). Each time the citizen reconnects a new recording session starts; when the
// room closes (call ended, or its media worker died) the segments are joined into one file that
// becomes evidence with its sha256. A case's rooms share its directory, each recorder's files under
// its own time-stamped prefix, so a room that resumes after a worker crash records beside the one
// still being joined.
import { spawn, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { types } from 'mediasoup'
import { requestKeyFrames, type Room } from './room.ts'

interface Track {
  producer: types.Producer
  label: 'citizen-video' | 'citizen-audio' | 'officer-audio'
}

interface Session {
  ffmpeg: ChildProcess
  exited: Promise<void>
  transports: types.PlainTransport[]
  producerIds: string[]
}

/** Two free adjacent UDP ports (RTP, RTCP) on loopback for ffmpeg to listen on. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const probe = (port: number) =>
      new Promise<number | null>((resolve) => {
        const s = createSocket('udp4')
        s.once('error', () => resolve(null))
        s.bind(port, '127.0.0.1', () => {
          const p = s.address().port
          s.close(() => resolve(p))
        })
      })
    const rtp = await probe(0)
    if (rtp !== null && rtp % 2 === 0 && rtp < 65535 && (await probe(rtp + 1)) !== null) return rtp
  }
}

function sdpFor(tracks: Array<{ codec: types.RtpCodecParameters; kind: string; port: number }>) {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=kuaichu-call', 'c=IN IP4 127.0.0.1', 't=0 0']
  for (const { codec, kind, port } of tracks) {
    const [, name] = codec.mimeType.split('/')
    lines.push(`m=${kind} ${port} RTP/AVP ${codec.payloadType}`)
    lines.push(`a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`)
    const fmtp = Object.entries(codec.parameters ?? {}).map(([k, v]) => `${k}=${v}`).join(';')
    if (fmtp) lines.push(`a=fmtp:${codec.payloadType} ${fmtp}`)
    lines.push('a=recvonly')
  }
  return lines.join('\r\n') + '\r\n'
}

const KEY_FRAME_WAIT_MS = 30_000

export class CallRecorder {
  private session: Session | null = null
  private sessionNo = 0
  private queue: Promise<void> = Promise.resolve()
  private readonly dir: string
  /** Settles when the room has closed and its recording is stored (or there was none). */
  readonly finished: Promise<void>
  /** Sorts in start order: 20261127T000045123Z- */
  private readonly prefix = `${new Date().toISOString().replace(/[-:.]/g, '')}-`

  constructor(
    private readonly room: Room,
    recordingsDir: string,
    private readonly onFinished: (file: string) => Promise<void> | void,
  ) {
    this.dir = join(recordingsDir, room.caseId)
    room.on('producersChanged', () => this.enqueue(() => this.follow()))
    this.finished = new Promise((resolve) =>
      room.once('closed', () => {
        this.enqueue(() => this.finish())
        void this.queue.then(resolve)
      }),
    )
  }

  private enqueue(step: () => Promise<void>) {
    this.queue = this.queue.then(step).catch((err) => {
      // A step under way when the worker died fails on the closed channel; only other failures are news.
      if (!(err instanceof Error && err.name === 'InvalidStateError')) console.error('recorder:', err)
    })
  }

  private tracks(): Track[] | null {
    const find = (role: 'citizen' | 'officer', kind: 'audio' | 'video') =>
      [...(this.room.peers.get(role)?.producers.values() ?? [])].find((p) => p.kind === kind && !p.closed)
    const cv = find('citizen', 'video')
    const ca = find('citizen', 'audio')
    const oa = find('officer', 'audio')
    // The citizen's camera and microphone are the call; the officer's voice joins when present.
    if (!cv || !ca) return null
    const tracks: Track[] = [{ producer: cv, label: 'citizen-video' }, { producer: ca, label: 'citizen-audio' }]
    return oa ? [...tracks, { producer: oa, label: 'officer-audio' }] : tracks
  }

  private async follow() {
    const tracks = this.room.isClosed ? null : this.tracks()
    const ids = tracks?.map((t) => t.producer.id) ?? []
    if (this.session && ids.join() === this.session.producerIds.join()) return
    await this.stopSession()
    if (tracks) await this.startOrRetry(tracks)
  }

  /** A producer closed while its session was being built: the session is tried again a moment later. */
  private async startOrRetry(tracks: Track[]) {
    try {
      await this.startSession(tracks)
    } catch (err) {
      if (this.room.isClosed) return
      console.error(`recorder[${this.room.caseId}]: session not started, retrying:`, (err as Error).message)
      setTimeout(() => this.enqueue(() => this.follow()), 1000).unref()
    }
  }

  private async startSession(tracks: Track[]) {
    const router = this.room.router
    const transports: types.PlainTransport[] = []
    const consumers: types.Consumer[] = []
    const described = []
    try {
      for (const { producer } of tracks) {
        const port = await freePortPair()
        const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false, comedia: false })
        transports.push(transport)
        await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 })
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true })
        consumers.push(consumer)
        described.push({ codec: consumer.rtpParameters.codecs[0]!, kind: consumer.kind, port })
      }
    } catch (err) {
      for (const t of transports) t.close()
      throw err
    }
    this.sessionNo++
    mkdirSync(this.dir, { recursive: true }) // another room of the case may have just removed it
    const pattern = join(this.dir, `${this.prefix}s${String(this.sessionNo).padStart(3, '0')}-%04d.mkv`)
    const ffmpeg = spawn('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-protocol_whitelist', 'file,udp,rtp',
      // Long enough probing to see a video key frame, or the output has no dimensions; but no frame
      // rate estimate (a copy does not need it), which kept ffmpeg probing for seconds: a session
      // stopped while ffmpeg still probes records nothing.
      '-analyzeduration', '5000000', '-probesize', '10000000', '-fpsprobesize', '0',
      '-fflags', '+genpts', '-f', 'sdp', '-i', this.writeSdp(sdpFor(described)),
      // Without the officer (console closed) the third track is silence, so every session has the
      // same layout and the segments join without re-encoding.
      ...(tracks.length === 3
        ? ['-map', '0', '-c', 'copy']
        : ['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-map', '0', '-map', '1:a', '-c', 'copy', '-c:a:1', 'libopus']),
      '-flush_packets', '1',
      '-f', 'segment', '-segment_time', '10', '-segment_format', 'matroska', '-reset_timestamps', '1',
      pattern,
    ], { stdio: ['ignore', 'ignore', 'pipe'] })
    ffmpeg.stderr?.on('data', (d) => console.error(`ffmpeg[${this.room.caseId}]: ${String(d).trim()}`))
    const exited = new Promise<void>((resolve) => ffmpeg.once('exit', () => resolve()))
    this.session = { ffmpeg, exited, transports, producerIds: tracks.map((t) => t.producer.id) }
    // ffmpeg needs a moment to open its ports; then start the flow with key frames while it probes.
    await new Promise((r) => setTimeout(r, 500))
    const live = consumers.filter((c) => !c.closed)
    await Promise.all(live.map((c) => c.resume().catch(() => undefined)))
    this.keyFramesUntilWritten(live.filter((c) => c.kind === 'video'), pattern)
  }

  /**
   * ffmpeg writes nothing until it has seen a video key frame; on a busy box a requested one can be
   * lost, so ask again every second until the session's first segment has bytes (at most 30 s).
   */
  private keyFramesUntilWritten(video: types.Consumer[], pattern: string) {
    const first = pattern.replace('%04d', '0000')
    const started = Date.now()
    const tick = () => {
      const written = existsSync(first) && statSync(first).size > 0
      if (written || Date.now() - started > KEY_FRAME_WAIT_MS || video.every((c) => c.closed)) return
      for (const c of video) if (!c.closed) c.requestKeyFrame().catch(() => undefined)
      setTimeout(tick, 1000).unref()
    }
    for (const c of video) requestKeyFrames(c, [0, 500])
    setTimeout(tick, 1000).unref()
  }

  private writeSdp(sdp: string) {
    const file = join(this.dir, `${this.prefix}s${String(this.sessionNo).padStart(3, '0')}.sdp`)
    writeFileSync(file, sdp)
    return file
  }

  private async stopSession() {
    const s = this.session
    if (!s) return
    this.session = null
    // SIGINT while packets still flow: ffmpeg leaves its read loop and closes the segment properly.
    s.ffmpeg.kill('SIGINT')
    await Promise.race([s.exited, new Promise((r) => setTimeout(r, 5000))])
    if (s.ffmpeg.exitCode === null) s.ffmpeg.kill('SIGKILL')
    for (const t of s.transports) t.close()
  }

  private async finish() {
    await this.stopSession()
    const joined = await joinSegments(this.dir, this.prefix)
    if (joined) await this.onFinished(joined)
    if (!existsSync(this.dir)) return
    for (const f of readdirSync(this.dir).filter((f) => f.startsWith(this.prefix))) rmSync(join(this.dir, f), { force: true })
    try {
      rmdirSync(this.dir)
    } catch {
      // another room of the case records here
    }
  }
}

/**
 * Joins a call's segments (those whose names start with `prefix`) into one file: every session has
 * the same stream layout, so streams are copied. Also used at start-up for the segments a crash left
 * behind. Null when nothing was recorded.
 */
export async function joinSegments(dir: string, prefix = ''): Promise<string | null> {
  if (!existsSync(dir)) return null
  const parts = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.mkv') && !f.endsWith('call.mkv') && statSync(join(dir, f)).size > 0)
    .sort()
  if (parts.length === 0) return null
  const list = join(dir, `${prefix}parts.txt`)
  writeFileSync(list, parts.map((p) => `file '${join(dir, p)}'`).join('\n') + '\n')
  const out = join(dir, `${prefix}call.mkv`)
  await new Promise<void>((resolve, reject) => {
    const p = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-map', '0', '-c', 'copy', out])
    let err = ''
    p.stderr.on('data', (d) => (err += String(d)))
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg concat exited ${code}: ${err.trim()}`))))
  })
  return out
}
