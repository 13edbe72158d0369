import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import {
  acceptPagePath,
  acceptPendingVersions,
  continuePath,
  dismissVersionNotice,
  reacceptPage,
  type PendingDocument,
} from '~/flows/account/index.server'
import { AcceptanceCheckboxes } from '~/components/acceptance-checkboxes'
import { FormErrorSummary } from '~/components/form-fields'
import { formatDate } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { type Locale } from '~/platform/i18n/locales'
import { routeLocale } from '~/platform/i18n/route-locale'
import { textField, type FormFailure } from '~/platform/form'
import { requestEvidence } from '~/load-context'
import type { loader as layoutLoader } from './$lang'
import { readForm } from '~/platform/read-form.server'

export const handle = { i18n: ['common', 'account', 'reaccept'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const search = new URL(request.url).searchParams
  const redirectTo = continuePath(search.get('redirectTo'), locale)
  const page = await reacceptPage(request, locale)
  // Nothing to accept (accepted already, or nobody to ask): carry on.
  if (page.state === 'nothing-to-accept') throw redirect(redirectTo)
  const t = getFixedT(locale, ['reaccept', 'common'])
  return {
    locale,
    title: `${t('title')} — ${t('common:siteName')}`,
    redirectTo,
    reconsiderHref: acceptPagePath(locale, redirectTo),
    // Declining is a plain GET back here: it changes nothing, so there is nothing to post.
    declined: search.get('declined') === '1',
    ...page,
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const form = await readForm(request)
  const redirectTo = continuePath(textField(form, 'redirectTo', 2000), locale)

  // The layout's notice posts here too: this route owns asking about new versions.
  if (textField(form, 'intent', 40) === 'dismiss-notice') {
    const cookie = dismissVersionNotice(request, form, locale)
    if (!cookie) throw data(getFixedT(locale, 'reaccept')('errors.badNotice'), { status: 400 })
    return redirect(redirectTo, { headers: { 'Set-Cookie': cookie } })
  }

  const result = await acceptPendingVersions(request, form, locale, requestEvidence(request, context))
  if (result.ok) return redirect(redirectTo)
  // The page comes back with the versions in force now (they may have changed).
  const page = await reacceptPage(request, locale)
  if (page.state === 'nothing-to-accept') return redirect(redirectTo)
  return data({ ...result.failure, ...page }, { status: result.status })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

function PendingDocumentSummary({ locale, doc }: { locale: Locale; doc: PendingDocument }) {
  const { t } = useTranslation('reaccept')
  const headingId = `pending-${doc.kind}`
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{doc.title}</h2>
      <p>
        {t('inForceSince', { version: doc.version, date: formatDate(doc.effectiveFrom, locale) })}
        {doc.acceptedVersion !== null ? ` ${t('youAccepted', { version: doc.acceptedVersion })}` : null}
      </p>
      {doc.changes.length > 0 ? (
        <>
          <h3>{t('whatChanged')}</h3>
          <ul>
            {doc.changes.map((change) => (
              <li key={change.version}>{t('versionSummary', { version: change.version, summary: change.summary })}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <Link to={`/${locale}/${doc.kind}/v/${doc.version}`}>{t('read', { version: doc.version })}</Link>
        {doc.acceptedVersion !== null ? (
          <>
            {' · '}
            <Link to={`/${locale}/${doc.kind}/changes?from=${doc.acceptedVersion}&to=${doc.version}`}>
              {t('compare', { from: doc.acceptedVersion, to: doc.version })}
            </Link>
          </>
        ) : null}
      </p>
    </section>
  )
}

function Declined({
  locale,
  viewer,
  documents,
  reconsiderHref,
}: {
  locale: Locale
  viewer: 'user' | 'guest'
  documents: PendingDocument[]
  reconsiderHref: string
}) {
  const { t } = useTranslation('reaccept')
  const dataRequestEmail = useRouteLoaderData<typeof layoutLoader>('routes/$lang')?.settings?.dataRequestEmail
  return (
    <main id="main">
      <h1>{t('declined.title')}</h1>
      <p>{t('declined.nothingRecorded')}</p>
      <p>{t('declined.canStill')}</p>
      <ul>
        <li>
          {t('declined.read')}{' '}
          {documents.map((doc) => (
            <span key={doc.kind}>
              <Link to={`/${locale}/${doc.kind}/v/${doc.version}`}>{doc.title}</Link>
              {', '}
            </span>
          ))}
          <Link to={`/${locale}#documents`}>{t('declined.allDocuments')}</Link>
        </li>
        {viewer === 'user' ? (
          <>
            <li>
              <Link to={`/${locale}/account/export`}>{t('declined.export')}</Link>
            </li>
            <li>
              <Link to={`/${locale}/account/withdraw`}>{t('declined.withdraw')}</Link>
            </li>
            <li>
              <Link to={`/${locale}/account/delete`}>{t('declined.delete')}</Link>
            </li>
          </>
        ) : (
          // The export and deletion pages are for accounts; a guest's way is the guest page and a request by mail.
          <>
            <li>
              <Link to={`/${locale}/guest`}>{t('declined.guestHistory')}</Link>
            </li>
            {dataRequestEmail ? (
              <li>
                {t('declined.guestDataRequest')} <a href={`mailto:${dataRequestEmail}`}>{dataRequestEmail}</a>
              </li>
            ) : null}
          </>
        )}
      </ul>
      <p>{t(viewer === 'guest' ? 'declined.blockedGuest' : 'declined.blocked')}</p>
      <p>
        <Link to={reconsiderHref}>{t('declined.reconsider')}</Link>
      </p>
    </main>
  )
}

export default function AcceptNewVersions() {
  const loaderData = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as
    (FormFailure & { documents: PendingDocument[]; shownVersions: string }) | undefined
  const { t } = useTranslation('reaccept')
  const navigation = useNavigation()
  const { locale, viewer, redirectTo } = loaderData
  const documents = actionData?.documents ?? loaderData.documents
  const shownVersions = actionData?.shownVersions ?? loaderData.shownVersions
  if (loaderData.declined && !actionData) {
    return <Declined locale={locale} viewer={viewer} documents={documents} reconsiderHref={loaderData.reconsiderHref} />
  }
  return (
    <main id="main">
      <h1>{t('title')}</h1>
      <p>{t(viewer === 'guest' ? 'leadGuest' : 'lead')}</p>
      <FormErrorSummary failure={actionData} />
      {documents.map((doc) => (
        <PendingDocumentSummary key={doc.kind} locale={locale} doc={doc} />
      ))}
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="shownVersions" value={shownVersions} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <AcceptanceCheckboxes locale={locale} documents={documents} errors={actionData?.fieldErrors ?? {}} />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('accept')}
          </button>
        </p>
      </Form>
      <h2>{t('declineHeading')}</h2>
      <p>{t(viewer === 'guest' ? 'declineHintGuest' : 'declineHint')}</p>
      <Form method="get">
        <input type="hidden" name="declined" value="1" />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <button type="submit" className="link-button">
          {t('decline')}
        </button>
      </Form>
    </main>
  )
}
