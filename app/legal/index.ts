// The surface of legal: the only module other folders import.
export type { DiffParagraph, DiffRow, DiffTable } from './diff'
export { headingAnchors } from './toc'
export type { TocEntry } from './toc'
