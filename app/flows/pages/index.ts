// The surface of flows/pages: the only module other folders import.
export { failureOf, valuesOf } from './home-form'
export type { HomeActionData } from './home-form'
