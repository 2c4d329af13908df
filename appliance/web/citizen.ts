// The citizen's page at the roadside: report, allow camera/microphone/location, wait, talk to the
// officer, follow their requests; 【继续处理】 after a drop returns to the same case and call.
import { CallClient } from './call-client.ts'
import { $, api, h, show } from './dom.ts'
import type { SafetyCard } from '../media/signalling-protocol.ts'

interface Session {
  caseId: string
  token: string
}

const SAFETY_TEXT: Record<SafetyCard, string> = {
  hazard_lights: '请立即打开危险报警闪光灯（双闪）',
  warning_triangle: '请在车后方 50–100 米处放置三角警告牌，注意自身安全',
  may_leave: '证据已固定，请立即将车辆移至不妨碍交通的地点，您可以离开现场',
}

const main = $('#main')
const status = $('#status')
let facing: 'user' | 'environment' = 'environment'
let localStream: MediaStream | null = null
let client: CallClient | null = null
let ended = false

function say(text: string) {
  status.textContent = text
}

function sessionFromUrl(): Session | null {
  const p = new URLSearchParams(location.hash.slice(1))
  const caseId = p.get('case')
  const token = p.get('token')
  if (caseId && token) return { caseId, token }
  const saved = localStorage.getItem('kuaichu.session')
  return saved ? (JSON.parse(saved) as Session) : null
}

function remember(s: Session) {
  localStorage.setItem('kuaichu.session', JSON.stringify(s))
  history.replaceState(null, '', `#case=${s.caseId}&token=${s.token}`)
}

function locate(): Promise<GeolocationPosition> {
  return new Promise((resolve, reject) =>
    navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout: 10_000 }),
  )
}

async function camera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: facing }, width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: true,
  })
}

function reportForm() {
  const phone = h('input', { id: 'phone', type: 'tel', inputmode: 'numeric', maxlength: '11', placeholder: '手机号码' })
  const plate = h('input', { id: 'plate', placeholder: '本车号牌（可不填），如 川A12345' })
  const go = h('button', { id: 'report', class: 'primary' }, '开始视频报警')
  go.onclick = async () => {
    go.setAttribute('disabled', '')
    try {
      say('正在获取您的位置…')
      const pos = await locate().catch(() => {
        throw new Error('无法获取位置。请在浏览器设置中允许“位置信息”，然后重试。')
      })
      const r = await api('POST', '/api/citizen/reports', {
        location: { lat: pos.coords.latitude, lng: pos.coords.longitude, accuracyM: pos.coords.accuracy },
        phone: phone.value.trim(),
        ...(plate.value.trim() ? { plate: plate.value.trim() } : {}),
      })
      const s = { caseId: r.caseId, token: r.token }
      remember(s)
      await enterCall(s)
    } catch (e) {
      say((e as Error).message)
      go.removeAttribute('disabled')
    }
  }
  show(main,
    h('h1', {}, '事故视频快处'),
    h('p', {}, '仅有财产损失、无人受伤的轻微事故，可通过视频由民警远程处理。'),
    h('p', { class: 'warn' }, '如有人员受伤、车辆无法移动或对方驾车逃逸，请立即拨打 122。'),
    phone, plate, go)
}

function resumeButton(s: Session) {
  const btn = h('button', { id: 'resume', class: 'primary' }, '继续处理')
  btn.onclick = () => {
    btn.setAttribute('disabled', '')
    void enterCall(s)
  }
  show(main, h('p', {}, '视频连接已中断，您的案件仍在处理中。'), btn)
}

async function enterCall(s: Session) {
  try {
    say('正在打开摄像头和麦克风…')
    // Closing the old call's transports stopped its tracks.
    if (localStream?.getTracks().some((t) => t.readyState === 'ended')) localStream = null
    localStream ??= await camera().catch(() => {
      throw new Error('无法使用摄像头或麦克风。请在浏览器设置中允许本网页使用摄像头和麦克风，然后点击“继续处理”。')
    })
    const state = await api('POST', `/api/citizen/cases/${s.caseId}/join`, {}, s.token)
    say(state.queuePosition ? `正在等待民警接听，您前面还有 ${state.queuePosition - 1} 位` : state.stateText)
    client = await CallClient.connect()
    wire(client, s)
    await client.join(s.caseId, s.token)
    await client.publish(localStream)
    const self = h('video', { id: 'self', autoplay: '', playsinline: '', muted: '' })
    self.muted = true
    self.srcObject = localStream
    const remote = h('audio', { id: 'officer-audio', autoplay: '' })
    remote.srcObject = client.remoteStream
    show(main, self, remote, h('div', { id: 'card' }))
    void pollQueue(s)
  } catch (e) {
    say((e as Error).message)
    resumeButton(s)
  }
}

async function pollQueue(s: Session) {
  while (client && !ended) {
    const c = await api('GET', `/api/citizen/cases/${s.caseId}`, undefined, s.token).catch(() => null)
    if (c?.state === 'queued') say(`正在等待民警接听，您前面还有 ${c.queuePosition - 1} 位`)
    else if (c) break
    await new Promise((r) => setTimeout(r, 3000))
  }
}

function wire(c: CallClient, s: Session) {
  c.on('peerJoined', ({ role }) => role === 'officer' && say('民警已接入，请按民警指引操作'))
  c.on('peerLeft', ({ role }) => role === 'officer' && say('民警暂时离开，请稍候'))
  c.on('safetyCardPushed', ({ card }) => show($('#card'), h('div', { class: `card ${card}` }, SAFETY_TEXT[card])))
  c.on('cameraSwitchRequested', () => void switchCamera(c))
  c.on('stillRequested', ({ requestId }) => void captureStill(s, requestId))
  c.on('callEnded', () => {
    ended = true
    say('视频处理已结束，处理结果将以短信通知您。')
    localStream?.getTracks().forEach((t) => t.stop())
  })
  c.onClose = (cause) => {
    if (ended) return
    if (cause === 'interrupted') {
      // The box replaced its media worker: back into the same call without a tap.
      say('视频服务已恢复，正在重新连接…')
      void enterCall(s)
    } else {
      resumeButton(s)
    }
  }
}

async function switchCamera(c: CallClient) {
  facing = facing === 'environment' ? 'user' : 'environment'
  const next = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: facing }, width: { ideal: 1280 }, height: { ideal: 720 } } })
  const track = next.getVideoTracks()[0]!
  const old = localStream?.getVideoTracks()[0]
  if (old) {
    localStream!.removeTrack(old)
    old.stop()
  }
  localStream!.addTrack(track)
  await c.replaceVideoTrack(track)
  await c.request('reportCameraSwitched', { facing })
  say(facing === 'user' ? '已切换到前置摄像头' : '已切换到后置摄像头')
}

/** A full-resolution frame from the phone's own camera, not the compressed video the officer sees. */
async function captureStill(s: Session, requestId: string) {
  const track = localStream?.getVideoTracks()[0]
  if (!track) return
  const { width = 1280, height = 720 } = track.getSettings()
  const video = $<HTMLVideoElement>('#self')
  const canvas = h('canvas')
  canvas.width = width
  canvas.height = height
  canvas.getContext('2d')!.drawImage(video, 0, 0, width, height)
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.92))
  const pos = await locate().catch(() => null)
  const q = new URLSearchParams({ requestId, ...(pos ? { lat: String(pos.coords.latitude), lng: String(pos.coords.longitude) } : {}) })
  const res = await fetch(`/api/citizen/cases/${s.caseId}/stills?${q}`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${s.token}` },
    body: blob,
  })
  say(res.ok ? '照片已上传' : '照片上传失败，请保持网络畅通')
}

const existing = sessionFromUrl()
if (existing) {
  remember(existing)
  void enterCall(existing)
} else {
  reportForm()
}
