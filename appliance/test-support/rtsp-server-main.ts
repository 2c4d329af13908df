// An RTSP server (rtsp-streaming-server, GPL-3.0, dev/test only) in its own process: the library
// has no way to stop it, so tests end it by killing this process.
//   node --import tsx rtsp-server-main.ts <publishPort> <clientPort> <rtpPortStart>
import RtspServerModule from 'rtsp-streaming-server'

// A CommonJS package with a default export: the class is under .default at run time.
const RtspServer = (RtspServerModule as unknown as { default: typeof RtspServerModule.default }).default
const [serverPort, clientPort, rtpPortStart] = process.argv.slice(2).map(Number)
await new RtspServer({ serverPort: serverPort!, clientPort: clientPort!, rtpPortStart: rtpPortStart!, rtpPortCount: 200 }).start()
process.stdout.write('ready\n')
