// The surface of legal: the only module other folders import.
export type { DiffParagraph } from './diff'
export { headingAnchors } from './toc'
export type { TocEntry } from './toc'
