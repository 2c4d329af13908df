// A synthetic camera and microphone for the simulated phones and consoles: a pre-rendered loop of
// I420 frames (a panning textured scene with a moving patch of fresh detail, so VP8 needs about
// 1 Mbps at 640×360 like a real street scene) and a 400 Hz tone in 10 ms chunks.
import wrtc from '@roamhq/wrtc'

const { RTCVideoSource, RTCAudioSource } = wrtc.nonstandard

/** Deterministic pseudo-random bytes (xorshift32). */
function noise(seed: number) {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) & 0xff
  }
}

export function renderFrames(width: number, height: number, count: number): Uint8Array[] {
  const rnd = noise(0x5eed)
  const pan = 4 // pixels per frame
  const texW = width + pan * count
  // A smoothed random texture, like asphalt, cars and trees: detail VP8 cannot predict from nothing.
  const tex = new Uint8Array(texW * height)
  for (let i = 0; i < tex.length; i++) tex[i] = rnd()
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < height; y++) {
      for (let x = 1; x < texW - 1; x++) {
        const i = y * texW + x
        tex[i] = (tex[i - 1]! + 2 * tex[i]! + tex[i + 1]!) >> 2
      }
    }
  }
  const frames: Uint8Array[] = []
  const ySize = width * height
  const cSize = (width >> 1) * (height >> 1)
  for (let f = 0; f < count; f++) {
    const frame = new Uint8Array(ySize + 2 * cSize)
    const off = f * pan
    for (let y = 0; y < height; y++) {
      const shade = 40 + Math.round((160 * y) / height)
      for (let x = 0; x < width; x++) frame[y * width + x] = (shade + tex[y * texW + x + off]!) >> 1
    }
    // A patch that changes completely every frame (a passer-by, a flashing light).
    const pw = width >> 3
    const ph = height >> 3
    const px = Math.floor(((width - pw) * f) / count)
    const py = (height - ph) >> 1
    for (let y = py; y < py + ph; y++) for (let x = px; x < px + pw; x++) frame[y * width + x] = rnd()
    frame.fill(110, ySize, ySize + cSize)
    frame.fill(140, ySize + cSize)
    frames.push(frame)
  }
  return frames
}

export const SAMPLE_RATE = 48_000
const CHUNK = SAMPLE_RATE / 100 // 10 ms
/** 10 ms of a 400 Hz tone: exactly four periods, so the same chunk repeats without a click. */
export const TONE = Int16Array.from({ length: CHUNK }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 400 * i) / SAMPLE_RATE)))

interface Feed {
  start: number
  sent: number
  push: (n: number) => void
  /** Items per ms. */
  rate: number
}

/**
 * Pushes every source's frames and audio chunks on time from one timer: item n of a feed is due at
 * start + n / rate. A late timer catches up a little; a long stall skips (as a camera drops frames).
 */
export class Pacer {
  private readonly feeds = new Set<Feed>()
  private timer: NodeJS.Timeout | null = null

  add(ratePerSecond: number, push: (n: number) => void): () => void {
    const feed: Feed = { start: performance.now(), sent: 0, push, rate: ratePerSecond / 1000 }
    this.feeds.add(feed)
    this.timer ??= setInterval(() => this.tick(), 5)
    return () => this.feeds.delete(feed)
  }

  private tick() {
    const now = performance.now()
    for (const f of this.feeds) {
      const due = Math.floor((now - f.start) * f.rate) + 1
      if (due - f.sent > 4) f.sent = due - 1
      while (f.sent < due) f.push(f.sent++)
    }
  }

  stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.feeds.clear()
  }
}

export function videoTrack(pacer: Pacer, frames: Uint8Array[], width: number, height: number, fps: number, phase: number) {
  const source = new RTCVideoSource()
  const track = source.createTrack()
  const stop = pacer.add(fps, (n) => source.onFrame({ width, height, data: frames[(n + phase) % frames.length]! }))
  return { track, stop }
}

export function audioTrack(pacer: Pacer) {
  const source = new RTCAudioSource()
  const track = source.createTrack()
  const stop = pacer.add(100, () => source.onData({ samples: TONE, sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: CHUNK }))
  return { track, stop }
}
