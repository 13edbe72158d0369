import { EventEmitter } from 'node:events'

/**
 * Wakes the workers of this process when a job is queued here, so a job does
 * not wait for the next poll. Workers in other processes poll.
 */
const emitter = new EventEmitter()
emitter.setMaxListeners(0)

export function notifyJobQueued() {
  emitter.emit('queued')
}

export function onJobQueued(listener: () => void): () => void {
  emitter.on('queued', listener)
  return () => emitter.off('queued', listener)
}
