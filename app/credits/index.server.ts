// The surface of credits: the only module other folders import.
export {
  NotEnoughCreditsError,
  applyMovement,
  balanceOf,
  chargeJob,
  creditHistory,
  eraseGuestCredits,
  grantGuestCredits,
  moveGuestCredits,
  refundJob,
} from './movements.server'
export { balanceAndSources, lockBalance } from './credit-sources.server'
