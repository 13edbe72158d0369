import type { ActionFunctionArgs } from '@remix-run/node'
import { deliverAccountMailSoon } from '~/account/mails.server'
import { mailLinkBase } from '~/mail/links.server'
import { handlePaymentNotification, readNotificationBody } from '~/payments/webhook.server'

// T-Bank's payment notifications (NotificationURL). Signed with the terminal
// password instead of a CSRF origin; the answer for a good one is `OK`.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405 })
  const answer = await handlePaymentNotification(await readNotificationBody(request), {
    mailBaseUrl: mailLinkBase(request),
  })
  // A confirmed payment owes a mail: send it now rather than at the next delivery round.
  if (answer.outcome === 'applied') deliverAccountMailSoon()
  return new Response(answer.body, {
    status: answer.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } })
}
