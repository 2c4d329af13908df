// A TCP relay between a browser and the box that can lose the network the way phones do: frozen, it
// forwards nothing and closes nothing, so open connections go half-open (no FIN, no RST) and new
// ones hang. Playwright's offline emulation cannot do this to an open WebSocket.
import { createServer, connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export async function startTcpProxy(target: URL) {
  let frozen = false
  const pairs = new Set<[Socket, Socket]>()
  const held = new Set<Socket>()

  const relay = (client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname)
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    client.pipe(upstream)
    upstream.pipe(client)
    const drop = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
  }

  const server = createServer((client) => {
    if (frozen) {
      held.add(client)
      client.on('error', () => held.delete(client))
    } else relay(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    /** The network is gone: nothing moves in either direction on any connection. */
    freeze() {
      frozen = true
      for (const [a, b] of pairs) {
        a.unpipe(b)
        b.unpipe(a)
        a.pause()
        b.pause()
      }
    },
    /** The network is back: the connections it froze are reset (the phone's address changed), new ones flow. */
    thaw() {
      frozen = false
      for (const [a, b] of pairs) {
        a.resetAndDestroy()
        b.destroy()
      }
      pairs.clear()
      for (const c of held) relay(c)
      held.clear()
    },
    close() {
      for (const [a, b] of pairs) {
        a.destroy()
        b.destroy()
      }
      for (const c of held) c.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
