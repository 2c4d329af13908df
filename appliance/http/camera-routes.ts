// Roadside cameras for the officer console: the nearest ones to a place, and a camera's live
// view over WebSocket (binary MPEG-TS chunks). Officers only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { nearestCameras, type Camera } from '../cameras/nearest.ts'
import type { LiveStreams } from '../cameras/live-streams.ts'
import { fail } from '../errors.ts'

// Query values are strings (no type coercion on this box); checked as decimals, ranged below.
const Decimal = Type.String({ pattern: '^-?\\d{1,3}(\\.\\d{1,12})?$' })

export const cameraRoutes: FastifyPluginAsyncTypebox<{ cameras: readonly Camera[]; streams: LiveStreams }> = async (app, { cameras, streams }) => {
  app.get('/api/cameras/nearest', {
    schema: { querystring: Type.Object({ lat: Decimal, lng: Decimal }, { additionalProperties: false }) },
    onRequest: app.requireOfficer('case.read'),
  }, async (req) => {
    const [lat, lng] = [Number(req.query.lat), Number(req.query.lng)]
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) fail('VALIDATION_FAILED', [{ path: '/lat', message: 'out of range' }])
    return { cameras: nearestCameras(cameras, { lat, lng }) }
  })

  app.get('/api/cameras/:cameraId/live', {
    websocket: true,
    schema: { hide: true, params: Type.Object({ cameraId: Type.String({ minLength: 1, maxLength: 32 }) }) },
    onRequest: app.requireOfficer('case.read'),
    preValidation: async (req) => {
      if (!cameras.some((c) => c.id === (req.params as { cameraId: string }).cameraId)) fail('CAMERA_NOT_FOUND')
    },
  }, (socket, req) => {
    const camera = cameras.find((c) => c.id === req.params.cameraId)!
    const stop = streams.watch(camera, {
      // A viewer that cannot keep up skips chunks rather than growing the box's memory.
      data: (chunk) => socket.bufferedAmount < 4 * 1024 * 1024 && socket.send(chunk),
      // 1011: the server cannot go on; the console shows the camera as unavailable.
      ended: () => socket.close(1011, 'camera unavailable'),
    })
    socket.on('close', stop)
  })
}
