// Live views of roadside cameras: node-rtsp-stream's muxer runs one ffmpeg per camera (RTSP in,
// MPEG-1 video in MPEG-TS out), shared by every officer watching it and stopped when the last
// one leaves. Chunks go out as they come; the browser decodes MPEG-1 (jsmpeg-style players).
import { createRequire } from 'node:module'
import type { ChildProcess } from 'node:child_process'
import type { EventEmitter } from 'node:events'
import type { Camera } from './nearest.ts'

interface Muxer extends EventEmitter {
  stream: ChildProcess
}
type MuxerClass = new (o: { url: string; ffmpegPath: string; ffmpegOptions?: Record<string, string> }) => Muxer
const Mpeg1Muxer = createRequire(import.meta.url)('node-rtsp-stream/mpeg1muxer') as MuxerClass

export interface Viewer {
  data(chunk: Buffer): void
  /** The camera's stream ended (camera unreachable, ffmpeg stopped). */
  ended(): void
}

interface Live {
  muxer: Muxer
  viewers: Set<Viewer>
}

export function createLiveStreams(ffmpegPath = 'ffmpeg') {
  const live = new Map<string, Live>()

  function stop(id: string) {
    const l = live.get(id)
    if (!l) return
    live.delete(id)
    l.muxer.removeAllListeners()
    l.viewers.clear()
    l.muxer.stream.kill('SIGTERM')
  }

  return {
    /** Starts watching; returns the function that stops watching. */
    watch(camera: Camera, viewer: Viewer): () => void {
      let l = live.get(camera.id)
      if (!l) {
        // 800 kbit/s, at most 640 px wide: several views fit a seat officer's link. 25 fps: MPEG-1
        // allows only the broadcast rates (15 fps cameras get frames repeated).
        const muxer = new Mpeg1Muxer({ url: camera.rtspUrl, ffmpegPath, ffmpegOptions: { '-b:v': '800k', '-r': '25', '-vf': 'scale=min(640\\,iw):-2', '-an': '', '-loglevel': 'error' } })
        const entry: Live = { muxer, viewers: new Set() }
        muxer.on('mpeg1data', (chunk: Buffer) => entry.viewers.forEach((v) => v.data(chunk)))
        // ffmpeg's stderr must be drained or it blocks; errors show as the stream ending.
        muxer.on('ffmpegStderr', () => {})
        muxer.stream.once('exit', () => {
          if (live.get(camera.id) === entry) live.delete(camera.id)
          entry.viewers.forEach((v) => v.ended())
        })
        live.set(camera.id, (l = entry))
      }
      l.viewers.add(viewer)
      const entry = l
      return () => {
        entry.viewers.delete(viewer)
        if (entry.viewers.size === 0 && live.get(camera.id) === entry) stop(camera.id)
      }
    },
    /** Cameras being streamed, with how many viewers each. */
    active: (): Record<string, number> => Object.fromEntries([...live].map(([id, l]) => [id, l.viewers.size])),
    closeAll: () => [...live.keys()].forEach(stop),
  }
}
export type LiveStreams = ReturnType<typeof createLiveStreams>
