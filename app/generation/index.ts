// The surface of generation: the only module other folders import.
export { PHOTO_ACCEPT, counterState, photoHint, promptLength, ratioKey, shortenPrompt } from './form-hints'
export type { PhotoHint } from './form-hints'
export {
  ASPECT_RATIOS,
  CREDITS_PER_IMAGE,
  MAX_IMAGES,
  MIN_IMAGES,
  PROMPT_MAX_LENGTH,
  STYLES,
  isAspectRatio,
  isStyle,
  priceInCredits,
} from './options'
export type { AspectRatio, Style } from './options'
export { useCancelJob, useJobStatus } from './use-job-status'
export { isFinished } from './view'
export type { JobImageView, JobStatusResponse, JobView } from './view'
export { GALLERY_EXAMPLES, type GalleryExample } from './examples'
