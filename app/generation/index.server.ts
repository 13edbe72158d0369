// The surface of generation: the only module other folders import.
export { getEngine } from './engines/index.server'
export { createLocalEngine } from './engines/local.server'
export type { EngineImage, ImageEngine } from './engines/types'
export {
  currentGenerator,
  deleteGuestGenerations,
  findJob,
  jobStatus,
  listJobs,
  removeFilesOfDeletedJobs,
  sweepOldPhotos,
} from './jobs.server'
export type { Generator } from './jobs.server'
export { serveResultImage, serveSourcePhoto } from './media.server'
export { loadModerationRules } from './moderation/rules'
export { eraseAccountWork, reassignGuestWork } from './owners.server'
export { jobPageAction } from './page-actions.server'
export { cancelQueuedJob } from './queue.server'
export { deleteOldRefusals, listRefusalsForExport } from './refusals.server'
export { startWorker } from './start-worker.server'
export { submitGeneration } from './submit.server'
export { MAX_FORM_BODY_BYTES } from './upload.server'
export type { GenerationWorker } from './worker.server'
export { listGenerationsForExport } from './export.server'
