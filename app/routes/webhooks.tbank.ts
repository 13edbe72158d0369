import type { ActionFunctionArgs } from '@remix-run/node'
import { deliverAccountMailSoon } from '~/flows/account/index.server'
import { mailLinkBase } from '~/platform/mail/links.server'
import { answerPaymentWebhook } from '~/payments/index.server'

// T-Bank's payment notifications (NotificationURL). Signed with the terminal
// password instead of a CSRF origin; the answer for a good one is `OK`.
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405 })
  const answer = await answerPaymentWebhook(request, context.clientIp ?? null, { mailBaseUrl: mailLinkBase(request) })
  // A confirmed payment owes a mail: send it now rather than at the next delivery round.
  if (answer.outcome === 'applied') deliverAccountMailSoon()
  return new Response(answer.body, {
    status: answer.status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      ...(answer.retryAfterSeconds ? { 'Retry-After': String(answer.retryAfterSeconds) } : {}),
    },
  })
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } })
}
