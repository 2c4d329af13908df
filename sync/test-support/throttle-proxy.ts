// A TCP proxy between the agent and the platform for fault tests: it slows the box→platform
// direction (so a kill lands in the middle of a batch or an upload), counts the bytes it forwards,
// and tells whether a batch request is in flight.
import { createConnection, createServer, type Socket } from 'node:net'

export async function startThrottleProxy(targetPort: number, bytesPerSecond: number) {
  let forwarded = 0
  const inFlightBatches = new Set<Socket>()
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection(targetPort, '127.0.0.1')
    sockets.add(client)
    sockets.add(upstream)
    client.on('data', (chunk: Buffer) => {
      if (chunk.subarray(0, 30).toString('latin1').startsWith('POST /api/sync/v1/batches')) inFlightBatches.add(client)
      forwarded += chunk.length
      client.pause()
      upstream.write(chunk)
      setTimeout(() => client.resume(), (chunk.length / bytesPerSecond) * 1000)
    })
    upstream.on('data', (chunk: Buffer) => {
      inFlightBatches.delete(client)
      client.write(chunk)
    })
    const close = () => {
      inFlightBatches.delete(client)
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('close', close).on('error', close)
    upstream.on('close', close).on('error', close)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    /** Box→platform bytes forwarded so far. */
    forwarded: () => forwarded,
    batchInFlight: () => inFlightBatches.size > 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
