// The surface of acceptances: the only module other folders import.
export { ACCEPTANCE_EVENTS } from './schema'
export type { AcceptanceEvent, AcceptanceRow } from './schema'
