// The box's call signalling from Node: one WebSocket, JSON requests answered by id, notifications by
// name — the same protocol appliance/web/call-client.ts speaks in the browser.
import WebSocket from 'ws'
import { SignallingCalls } from '../../appliance/media/signalling-calls.ts'
import type { Notifications, RequestData, RequestMethod } from '../../appliance/media/signalling-protocol.ts'

export class Signalling {
  private readonly calls: SignallingCalls

  private constructor(private readonly ws: WebSocket) {
    this.calls = new SignallingCalls((text) => ws.send(text))
    ws.on('message', (raw) => this.calls.receive(JSON.parse(String(raw))))
    ws.on('close', () => this.calls.failAll('signalling socket closed'))
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
    return this.calls.request(method, data)
  }

  on<K extends keyof Notifications>(name: K, fn: (data: Notifications[K]) => void) {
    this.calls.on(name, fn)
  }

  close() {
    this.ws.close()
  }
}
