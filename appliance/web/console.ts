// The seat officer's console: log in, the ringing queue, the call with the citizen, and the case
// panel beside the video.
import { CallClient } from './call-client.ts'
import { renderCasePanel } from './case-panel.ts'
import { $, api, h, show } from './dom.ts'
import { roadsideCameras, type RoadsideCameras } from './roadside-cameras.ts'
import type { SafetyCard } from '../media/signalling-protocol.ts'

const main = $('#main')
const status = $('#status')
let call: CallClient | null = null
let currentCase: string | null = null
let cameras: RoadsideCameras | null = null
let ringer: AudioContext | null = null

const say = (text: string) => (status.textContent = text)
const minutes = (s: number) => `${Math.floor(s / 60)}分${String(s % 60).padStart(2, '0')}秒`

function loginForm() {
  const user = h('input', { id: 'username', placeholder: '用户名', autocomplete: 'username' })
  const pass = h('input', { id: 'password', type: 'password', placeholder: '密码', autocomplete: 'current-password' })
  const go = h('button', { id: 'login', class: 'primary' }, '登录')
  go.onclick = async () => {
    try {
      await api('POST', '/api/auth/login', { username: user.value, password: pass.value })
      await start()
    } catch (e) {
      say((e as Error).message)
    }
  }
  show(main, h('h1', {}, '视频快处 · 坐席'), user, pass, go)
}

/** A short two-tone ring while citizens wait (the officer may be looking elsewhere). */
function ring() {
  ringer ??= new AudioContext()
  for (const [i, f] of [880, 660].entries()) {
    const osc = ringer.createOscillator()
    osc.frequency.value = f
    osc.connect(ringer.destination)
    osc.start(ringer.currentTime + i * 0.25)
    osc.stop(ringer.currentTime + i * 0.25 + 0.2)
  }
}

async function queueLoop() {
  while (!currentCase) {
    const q = await api('GET', '/api/queue').catch((e) => {
      if (e.code === 'AUTH_REQUIRED') loginForm()
      return null
    })
    if (!q) return
    const failed = await failedSms()
    if (!currentCase) renderQueue(q, failed)
    if (q.waiting.length > 0) ring()
    await new Promise((r) => setTimeout(r, 2000))
  }
}

/** SMS the outbox gave up on: officers allowed to read the outbox (supervisors) see them and retry them. */
let mayReadOutbox = false
async function failedSms(): Promise<any[]> {
  if (!mayReadOutbox) return []
  return api('GET', '/api/notifications?status=failed').catch(() => [])
}

function failedSmsList(failed: any[]) {
  if (failed.length === 0) return []
  return [h('h2', { class: 'warn' }, `短信发送失败（${failed.length}）`), h('ul', { id: 'failed-sms' }, ...failed.map((n) => {
    const b = h('button', {}, '重发')
    b.onclick = () => void api('POST', `/api/notifications/${n.id}/retry`).then(() => b.remove(), (e: Error) => say(e.message))
    return h('li', {}, `${n.caseNo} · ${n.phone} · ${n.lastError ?? ''} `, b)
  }))]
}

function renderQueue(q: { waiting: any[]; mine: any[] }, failed: any[]) {
  const row = (c: any, label: string) => {
    const b = h('button', { class: 'accept', 'data-case': c.id }, label)
    b.onclick = () => void openCall(c.id, c.state === 'queued')
    return h('li', {}, `${c.caseNo} · 等待 ${minutes(c.waitSeconds)} · ${c.location.address ?? `${c.location.lat.toFixed(4)}, ${c.location.lng.toFixed(4)}`} `, b)
  }
  show(
    main,
    h('h2', {}, `排队中（${q.waiting.length}）`),
    h('ul', { id: 'queue' }, ...q.waiting.map((c) => row(c, '接听'))),
    h('h2', {}, '我处理中的案件'),
    h('ul', { id: 'mine' }, ...q.mine.map((c) => row(c, c.callStatus === 'waiting' ? '重新接入' : '打开'))),
    ...failedSmsList(failed),
  )
  say(q.waiting.length ? '有群众在等待接听' : '暂无排队')
}

async function openCall(caseId: string, accept: boolean) {
  currentCase = caseId
  try {
    if (accept) await api('POST', `/api/cases/${caseId}/accept`)
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true })
    call = await CallClient.connect()
    const video = h('video', { id: 'citizen-video', autoplay: '', playsinline: '' })
    video.srcObject = call.remoteStream
    const panel = h('div', { id: 'case-panel' })
    closeCameras()
    cameras = roadsideCameras(caseId)
    show(main, h('section', { id: 'call' }, video, controls(caseId)), h('aside', {}, panel, cameras.el))
    call.on('peerLeft', ({ role }) => role === 'citizen' && say('群众连接已断开，等待其点击“继续处理”重新接入'))
    call.on('peerJoined', ({ role }) => role === 'citizen' && say('群众已重新接入'))
    call.on('cameraSwitched', ({ facing }) => say(facing === 'user' ? '群众已切换到前置摄像头' : '群众已切换到后置摄像头'))
    call.on('evidenceAdded', () => void renderCase(caseId))
    call.onClose = (cause) => {
      if (cause === 'ended') return endOfCall()
      call = null
      closeCameras()
      // The box replaced its media worker: reopen the same call. A lost connection waits for the officer.
      if (cause === 'interrupted') {
        say('视频服务已恢复，正在重新接入…')
        void openCall(caseId, false)
      } else {
        say('与视频服务的连接已断开')
        currentCase = null
        void queueLoop()
      }
    }
    await call.join(caseId)
    await call.publish(mic)
    say('通话中')
    await renderCase(caseId)
  } catch (e) {
    say((e as Error).message)
    endOfCall()
  }
}

function controls(caseId: string) {
  const button = (id: string, label: string, act: () => Promise<unknown>) => {
    const b = h('button', { id }, label)
    b.onclick = () => act().catch((e: Error) => say(e.message))
    return b
  }
  const card = (c: SafetyCard, label: string) => button(`card-${c}`, label, () => call!.request('pushSafetyCard', { card: c }))
  return h('div', { id: 'controls' },
    button('switch-camera', '请群众切换摄像头', () => call!.request('requestCameraSwitch', {})),
    button('capture', '抓拍取证', async () => {
      await call!.request('requestStill', {})
      say('已请求群众手机拍照')
    }),
    card('hazard_lights', '提示开双闪'),
    card('warning_triangle', '提示放置警告牌'),
    card('may_leave', '通知可撤离'),
    button('evidence-complete', '证据固定完成', async () => {
      await api('POST', `/api/cases/${caseId}/evidence-complete`)
      await call!.request('pushSafetyCard', { card: 'may_leave' })
      await renderCase(caseId)
    }),
    button('end-call', '结束通话', async () => {
      await call!.request('endCall', {})
    }),
  )
}

const renderCase = (caseId: string) => renderCasePanel($('#case-panel'), caseId, say)

/** Leaving a case stops its camera views, so the box does not keep feeding a page that moved on. */
function closeCameras() {
  cameras?.close()
  cameras = null
}

function endOfCall() {
  closeCameras()
  const c = call
  call = null
  if (c) {
    c.onClose = null
    c.close()
  }
  currentCase = null
  say('通话已结束')
  void queueLoop()
}

async function start() {
  const me = await api('GET', '/api/auth/me')
  mayReadOutbox = me.permissions.includes('notification.read')
  void queueLoop()
}

start().catch(() => loginForm())
