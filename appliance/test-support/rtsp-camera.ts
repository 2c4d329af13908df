// A roadside camera for tests: an RTSP server from npm and ffmpeg publishing a test pattern to it.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { join } from 'node:path'

const freePort = () => new Promise<number>((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number }
    s.close(() => done(port))
  })
})

async function ended(p: ChildProcess) {
  if (p.exitCode !== null || p.signalCode !== null) return
  p.kill('SIGKILL')
  await once(p, 'exit')
}

export async function startRtspCamera(path = 'cam1') {
  const [publishPort, clientPort] = [await freePort(), await freePort()]
  const rtpPortStart = 46000 + 2 * Math.floor(Math.random() * 1500)
  const server = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'rtsp-server-main.ts'), String(publishPort), String(clientPort), String(rtpPortStart)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const [ready] = (await Promise.race([once(server.stdout!, 'data'), once(server, 'exit')])) as [Buffer | number]
  if (!Buffer.isBuffer(ready)) throw new Error('RTSP server did not start')
  // -re: real time, as a camera would send it.
  const publisher = spawn('ffmpeg', ['-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
    '-f', 'rtsp', `rtsp://127.0.0.1:${publishPort}/${path}`], { stdio: 'ignore' })
  const url = `rtsp://127.0.0.1:${clientPort}/${path}`
  // Ready when a client can open the stream (the publisher has announced it).
  for (let tries = 0; ; tries++) {
    const probe = spawn('ffprobe', ['-v', 'quiet', '-rw_timeout', '5000000', url], { stdio: 'ignore' })
    const [code] = (await once(probe, 'exit')) as [number | null]
    if (code === 0) break
    if (tries === 60) throw new Error(`RTSP test camera not readable at ${url}`)
    await new Promise((r) => setTimeout(r, 500))
  }
  return {
    url,
    async close() {
      await ended(publisher)
      await ended(server)
    },
  }
}
