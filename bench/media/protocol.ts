// Messages between the benchmark (media.bench.ts) and its load-generator processes (load-host.ts).

export interface HostInit {
  url: string
  /** The officer's `kc_session=…` cookie (seat01, logged in once by the benchmark). */
  officerCookie: string
  video: { width: number; height: number; fps: number; maxBitrate: number }
}

export type HostCommand =
  | { op: 'init'; reqId: number; init: HostInit }
  /** Reports a case and joins it as the citizen: camera and microphone published, waiting in the queue. */
  | { op: 'citizen'; reqId: number; call: number }
  /** The officer accepts the case, joins the call and publishes a microphone; waits for media on both sides. */
  | { op: 'accept'; reqId: number; call: number; timeoutMs: number }
  /** Both sides of one call hang up (the probe calls that only time the accept). */
  | { op: 'drop'; reqId: number; call: number }
  | { op: 'stats'; reqId: number }
  | { op: 'close'; reqId: number }

/** A command before the request id is added. */
export type HostRequest = HostCommand extends infer C ? (C extends HostCommand ? Omit<C, 'reqId'> : never) : never

export interface AcceptTiming {
  call: number
  caseId: string
  /** From just before POST /api/cases/:id/accept, in ms. */
  acceptHttpMs: number
  /** The officer's signalling socket open. */
  socketOpenMs: number
  /** `join` answered, the receive transport created and both consumers created and resumed. */
  joinedMs: number
  /** The officer's receive transport connected (ICE + DTLS). */
  officerTransportMs: number | null
  /** First RTP packet of the citizen's video at the officer (getStats polled every 20 ms). */
  officerFirstPacketMs: number | null
  /** Key frames the citizen's encoder produced and key-frame requests (PLI) the officer sent, accept → first frame. */
  keyFramesEncoded: number
  officerPlis: number
  /** First decoded video frame of the citizen's camera at the officer (RTCVideoSink). */
  officerFirstFrameMs: number | null
  /** First decoded, non-silent audio of the officer's microphone at the citizen (RTCAudioSink). */
  citizenFirstAudioMs: number | null
}

/** Cumulative counters of one call (getStats of both peers), sampled at `at` (ms, performance.timeOrigin based). */
export interface CallCounters {
  call: number
  at: number
  // citizen → box
  framesEncoded: number
  framesSent: number
  videoBytesSent: number
  sentWidth: number
  sentHeight: number
  qualityLimitation: string
  encodeSeconds: number
  audioBytesSent: number
  // box → officer
  framesReceived: number
  framesDecoded: number
  framesDropped: number
  videoBytesReceived: number
  videoPacketsLost: number
  recvWidth: number
  recvHeight: number
  decodeSeconds: number
  audioPacketsReceivedOfficer: number
  // box → citizen (officer's voice)
  audioPacketsReceivedCitizen: number
}

export type HostReply =
  | { reqId: number; ok: true; data?: unknown }
  | { reqId: number; ok: false; error: string }
