// The client half of the signalling protocol, without a socket: requests answered by id, notifications
// dispatched by name. The browser's CallClient and the bench's Node client each own a socket and hand
// its messages here, so both read the protocol the same way.
import type { Notifications, RequestData, RequestMethod } from './signalling-protocol.ts'

export class SignallingError extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
  }
}

type Listener<K extends keyof Notifications> = (data: Notifications[K]) => void

export class SignallingCalls {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  private readonly listeners = new Map<string, Array<(data: any) => void>>()

  constructor(private readonly send: (text: string) => void) {}

  request<M extends RequestMethod>(method: M, data: RequestData<M>): Promise<any> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.send(JSON.stringify({ id, method, data }))
    })
  }

  on<K extends keyof Notifications>(name: K, fn: Listener<K>) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn])
  }

  receive(msg: any) {
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

  /** The socket is gone: every request still waiting fails with `message`. */
  failAll(message: string) {
    for (const p of this.pending.values()) p.reject(new SignallingError('DISCONNECTED', message))
    this.pending.clear()
  }
}
