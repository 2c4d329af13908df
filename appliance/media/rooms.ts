// The calls in progress, one Room per case; a room is forgotten when it closes.
import { Room, type TransportSettings } from './room.ts'
import type { WorkerPool } from './worker-pool.ts'

export type RoomRegistry = ReturnType<typeof createRoomRegistry>

export function createRoomRegistry(pool: WorkerPool, settings: TransportSettings, onCreated: (room: Room) => void = () => {}) {
  const rooms = new Map<string, Promise<Room>>()
  return {
    get(caseId: string): Promise<Room> | undefined {
      return rooms.get(caseId)
    },
    getOrCreate(caseId: string): Promise<Room> {
      let room = rooms.get(caseId)
      if (!room) {
        room = (async () => {
          const { worker, release } = await pool.acquire()
          try {
            const r = await Room.create(caseId, worker, settings, release)
            r.once('closed', () => rooms.delete(caseId))
            onCreated(r)
            return r
          } catch (err) {
            release()
            throw err
          }
        })()
        room.catch(() => rooms.delete(caseId))
        rooms.set(caseId, room)
      }
      return room
    },
    async closeAll() {
      for (const room of await Promise.allSettled(rooms.values())) {
        if (room.status === 'fulfilled') room.value.close()
      }
    },
    get size() {
      return rooms.size
    },
  }
}
