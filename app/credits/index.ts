// The surface of credits: the only module other folders import.
export type { CreditOwner } from './schema'
