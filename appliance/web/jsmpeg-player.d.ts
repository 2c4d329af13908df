// The part of @cycjimmy/jsmpeg-player (ships no types) the console uses: the bare Player on a
// canvas we own, fed by a source class of our own (see roadside-cameras.ts).
declare module '@cycjimmy/jsmpeg-player' {
  /** What jsmpeg's Player asks of a source: it is given the demuxer, started, nudged, destroyed. */
  export interface JSMpegSource {
    readonly streaming: boolean
    established: boolean
    completed: boolean
    progress: number
    connect(destination: { write(data: ArrayBuffer): void }): void
    start(): void
    resume(headroom: number): void
    destroy(): void
  }
  export interface PlayerOptions {
    canvas?: HTMLCanvasElement
    // Player hands its own options object to the source's constructor, extra keys included.
    source?: new (url: string, options: any) => JSMpegSource
    audio?: boolean
    disableWebAssembly?: boolean
    disableGl?: boolean
    [extra: string]: unknown
  }
  class Player {
    constructor(url: string, options?: PlayerOptions)
    destroy(): void
  }
  const JSMpeg: { Player: typeof Player }
  export default JSMpeg
}
