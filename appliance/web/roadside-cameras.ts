// 附近路面监控: the roadside cameras nearest the open case, each played on demand in a <canvas> by
// jsmpeg (MPEG-1 in MPEG-TS over the box's WebSocket, see cameras/live-streams.ts). It sits beside
// the case panel, not inside it: the panel re-renders on every step and would cut the streams.
import JSMpeg, { type JSMpegSource } from '@cycjimmy/jsmpeg-player'
import { api, h, show } from './dom.ts'

const UNAVAILABLE = '摄像头暂时无法连接'
/** A camera that sends nothing for this long counts as unreachable (ffmpeg may wait long on a dead address). */
const FIRST_DATA_MS = 20_000

interface SourceEvents {
  onSourceEstablished?: () => void
  onSourceEnded?: () => void
}

/**
 * One WebSocket into jsmpeg. Unlike jsmpeg's own WSSource it never reconnects on its own: the box
 * closes the socket when the camera is gone, and the officer should see that instead of a frozen picture.
 */
class LiveSource implements JSMpegSource {
  readonly streaming = true
  established = false
  completed = false
  progress = 0
  private socket: WebSocket | null = null
  private destination: { write(data: ArrayBuffer): void } | null = null
  private stopped = false

  constructor(private readonly url: string, private readonly events: SourceEvents) {}

  connect(destination: { write(data: ArrayBuffer): void }) {
    this.destination = destination
  }

  start() {
    const ws = (this.socket = new WebSocket(this.url))
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => (this.progress = 1)
    ws.onmessage = (ev: MessageEvent<ArrayBuffer>) => {
      if (!this.established) {
        this.established = true
        this.events.onSourceEstablished?.()
      }
      this.destination?.write(ev.data)
    }
    // Refused upgrade (no session, unknown camera) or the camera's stream ended.
    ws.onclose = () => this.stopped || this.events.onSourceEnded?.()
  }

  resume() {}

  destroy() {
    this.stopped = true
    this.socket?.close()
  }
}

interface NearbyCamera {
  id: string
  name: string
  distanceM: number
}

const distanceText = (m: number) => (m < 1000 ? `${m} 米` : `${(m / 1000).toFixed(1)} 公里`)

function liveUrl(cameraId: string) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/cameras/${encodeURIComponent(cameraId)}/live`
}

/** One camera's row: name, distance, 查看/停止, and the canvas while it plays. */
function cameraRow(camera: NearbyCamera) {
  const toggle = h('button', { class: 'camera-toggle', 'data-camera': camera.id }, '查看')
  const note = h('p', { class: 'camera-note' })
  const view = h('div', { class: 'camera-view' })
  let player: InstanceType<typeof JSMpeg.Player> | null = null
  let patience = 0

  const stop = (message = '') => {
    clearTimeout(patience)
    player?.destroy()
    player = null
    view.replaceChildren()
    toggle.textContent = '查看'
    note.textContent = message
  }
  const play = () => {
    const canvas = h('canvas', { 'data-camera': camera.id })
    view.replaceChildren(canvas)
    note.textContent = '正在连接…'
    toggle.textContent = '停止'
    const events: SourceEvents = {
      onSourceEstablished: () => {
        clearTimeout(patience)
        note.textContent = ''
      },
      onSourceEnded: () => stop(UNAVAILABLE),
    }
    // MPEG-1 at 640 px decodes comfortably in plain JS; jsmpeg's WASM decoder would need
    // 'wasm-unsafe-eval' in the console's CSP. The box sends no audio. A live view keeps decoding
    // in a hidden tab (pausing would pile up the stream; jsmpeg's hidden-tab listener is never removed).
    player = new JSMpeg.Player(liveUrl(camera.id), { source: LiveSource, canvas, audio: false, disableWebAssembly: true, pauseWhenHidden: false, ...events })
    patience = window.setTimeout(() => stop(UNAVAILABLE), FIRST_DATA_MS)
  }
  toggle.onclick = () => (player ? stop() : play())

  return {
    el: h('li', { 'data-camera': camera.id }, `${camera.name} · 距事故约 ${distanceText(camera.distanceM)} `, toggle, note, view),
    stop: () => stop(),
  }
}

export interface RoadsideCameras {
  el: HTMLElement
  /** Stops every stream (the officer leaves the case); the box drops its viewers as the sockets close. */
  close(): void
}

export function roadsideCameras(caseId: string): RoadsideCameras {
  const list = h('div', { id: 'nearby-cameras-list' }, h('p', {}, '正在查找附近的路面监控…'))
  const rows: Array<{ stop(): void }> = []
  let closed = false

  void (async () => {
    const c = await api('GET', `/api/cases/${caseId}`)
    const { cameras } = await api('GET', `/api/cameras/nearest?lat=${c.location.lat.toFixed(6)}&lng=${c.location.lng.toFixed(6)}`) as { cameras: NearbyCamera[] }
    if (closed) return
    if (cameras.length === 0) return show(list, h('p', { class: 'camera-note' }, '事故地点附近没有已接入的路面监控'))
    const made = cameras.map(cameraRow)
    rows.push(...made)
    show(list, h('ul', {}, ...made.map((r) => r.el)))
  })().catch(() => closed || show(list, h('p', { class: 'camera-note warn' }, '附近路面监控暂时无法获取')))

  return {
    el: h('section', { id: 'nearby-cameras' }, h('h3', {}, '附近路面监控'), list),
    close() {
      closed = true
      rows.forEach((r) => r.stop())
    },
  }
}
