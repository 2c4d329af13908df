// The box's call signalling from Node: one WebSocket, JSON requests answered by id, notifications by
// name — the same protocol appliance/web/call-client.ts speaks in the browser.
import WebSocket from 'ws'
import type { Notifications, RequestData, RequestMethod } from '../../appliance/media/signalling-protocol.ts'

export class SignallingError extends Error {
  constructor(readonly code: string, message: string) {
    super(`${code}: ${message}`)
  }
}

export class Signalling {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  private readonly listeners = new Map<string, Array<(data: any) => void>>()

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => this.receive(JSON.parse(String(raw))))
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new SignallingError('DISCONNECTED', 'signalling socket closed'))
      this.pending.clear()
    })
  }

  /** `headers` carries the officer's session cookie; a citizen proves itself with the token in `join`. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<Signalling> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers })
      ws.once('open', () => resolve(new Signalling(ws)))
      ws.once('error', reject)
    })
  }

  request<M extends RequestMethod>(method: M, data: RequestData<M>): Promise<any> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.ws.send(JSON.stringify({ id, method, data }))
    })
  }

  on<K extends keyof Notifications>(name: K, fn: (data: Notifications[K]) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn])
  }

  private receive(msg: any) {
    if (typeof msg.notification === 'string') {
      for (const fn of this.listeners.get(msg.notification) ?? []) fn(msg.data)
      return
    }
    const p = this.pending.get(msg.id)
    if (!p) return
    this.pending.delete(msg.id)
    if (msg.ok) p.resolve(msg.data)
    else p.reject(new SignallingError(msg.error.code, msg.error.message))
  }

  close() {
    this.ws.close()
  }
}
