import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { acceptanceFormData } from '~/acceptances/index.server'
import { requireCurrentVersionsAccepted } from '~/flows/account/index.server'
import { getSessionUser, readGuestId } from '~/identity/index.server'
import { AcceptanceCheckboxes } from '~/components/acceptance-checkboxes'
import { FormErrorSummary } from '~/components/form-fields'
import { VerifyEmailNotice } from '~/components/verify-email-notice'
import { formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import type { FormFailure } from '~/platform/form'
import { readForm } from '~/platform/read-form.server'
import { requestEvidence } from '~/load-context'
import { CHECKOUT_KINDS, startCheckout, findCreditPack, getPaymentProvider } from '~/payments/index.server'
import { clientError } from '~/platform/i18n/client-errors.server'

export const handle = { i18n: ['common', 'account', 'checkout', 'email'] }

/** Paying needs an account (the receipt goes to its e-mail); a guest is sent to register first. */
async function buyer(request: Request, locale: 'ru' | 'en') {
  const session = await getSessionUser(request)
  if (session) return session
  const back = new URL(request.url).pathname
  if (await readGuestId(request)) throw redirect(`/${locale}/register?${new URLSearchParams({ from: 'checkout' })}`)
  throw redirect(`/${locale}/login?${new URLSearchParams({ redirectTo: back })}`)
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const session = await buyer(request, locale)
  const pack = await findCreditPack(params.packId ?? '')
  if (!pack) throw clientError(locale, 404)
  const t = getFixedT(locale, ['checkout', 'common'])
  return data(
    {
      locale,
      title: `${t('title')} — ${t('common:siteName')}`,
      pack: {
        id: pack.id,
        name: pack.name[locale],
        description: pack.description[locale],
        credits: pack.credits,
        price: formatMoney(pack.priceKopecks, locale),
      },
      email: session.user.email,
      // Receipts go to the address: until it is confirmed the page offers a new link instead of paying.
      emailVerified: session.user.emailVerified,
      sandbox: getPaymentProvider().kind === 'sandbox',
      ...(await acceptanceFormData([...CHECKOUT_KINDS], locale)),
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const session = await buyer(request, locale)
  await requireCurrentVersionsAccepted(request, locale)
  const form = await readForm(request)
  form.set('packId', params.packId ?? '')
  const outcome = await startCheckout({
    user: { id: session.user.id, email: session.user.email },
    form,
    locale,
    origin: new URL(request.url).origin,
    evidence: requestEvidence(request, context),
  })
  if (outcome.ok) throw redirect(outcome.redirectTo, 303)
  if (outcome.orderId) throw redirect(`/${locale}/checkout/${outcome.orderId}/done`, 303)
  return data(
    { ...outcome.failure, ...(await acceptanceFormData([...CHECKOUT_KINDS], locale)) },
    { status: outcome.status },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function Checkout() {
  const loaderData = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as (FormFailure & typeof loaderData) | undefined
  const { t } = useTranslation(['checkout', 'common'])
  const navigation = useNavigation()
  const { locale, pack, email, emailVerified, sandbox } = loaderData
  const canPay = Boolean(email) && emailVerified
  return (
    <main id="main" className="checkout">
      <h1>{t('title')}</h1>
      <section className="card checkout__pack" aria-labelledby="pack-heading">
        <h2 id="pack-heading">{pack.name}</h2>
        <p>{pack.description}</p>
        <p className="checkout__price">
          {t('packLine', { credits: t('common:credits', { count: pack.credits }), price: pack.price })}
        </p>
      </section>
      {email && !emailVerified ? (
        <VerifyEmailNotice locale={locale} email={email} />
      ) : email ? (
        <p>{t('receipt', { email })}</p>
      ) : (
        <p className="notice notice--warning" role="alert">
          {t('errors.no-email')}
        </p>
      )}
      {sandbox ? <p className="notice">{t('sandboxNotice')}</p> : null}
      <Form method="post" className="form" noValidate>
        <FormErrorSummary failure={actionData} />
        <input type="hidden" name="shownVersions" value={actionData?.shownVersions ?? loaderData.shownVersions} />
        <AcceptanceCheckboxes
          locale={locale}
          documents={actionData?.documents ?? loaderData.documents}
          errors={actionData?.fieldErrors ?? {}}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting' || !canPay}>
            {t('pay', { price: pack.price })}
          </button>
        </p>
      </Form>
      <p>
        <Link to={`/${locale}/pricing`}>{t('backToPricing')}</Link>
      </p>
    </main>
  )
}
