// The surface of outbox: the only module other folders import.
export { deliverMail, enqueueMail, forgetMailFor, startMailDelivery, sweepMailOutbox } from './outbox.server'
export type { DeliveryOptions, DeliveryReport, MailOutcome, MailOutcomeListener } from './outbox.server'
export type { MailOutboxRow } from './schema'
