import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  type HeadersFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { signIn } from '~/flows/account/index.server'
import { enabledProviders, getSessionUser } from '~/identity/index.server'
import { FormErrorSummary, TextField } from '~/components/form-fields'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requestEvidence } from '~/load-context'
import { type FormFailure, keepRetryAfter } from '~/platform/form'
import { readForm } from '~/platform/read-form.server'
import { safeRedirect } from '~/platform/security/safe-redirect'

export const handle = { i18n: ['common', 'account', 'auth'] }

/** Where to go after signing in: a page of this site under the same language, else the account. */
function destination(request: Request, locale: string) {
  const target = new URL(request.url).searchParams.get('redirectTo')
  return safeRedirect(target, `/${locale}/account`, { under: `/${locale}` })
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  if (await getSessionUser(request)) throw redirect(destination(request, locale))
  const t = getFixedT(locale, ['account', 'common'])
  const providerError = new URL(request.url).searchParams.get('providerError')
  return {
    locale,
    title: `${t('login.title')} — ${t('common:siteName')}`,
    // Telegram is listed like the others, but its button (a script from
    // telegram.org, which then learns the visitor's IP address) is loaded
    // only on its own step, /:lang/login/telegram, for those who choose it.
    providers: enabledProviders(undefined, locale),
    redirectTo: safeRedirect(new URL(request.url).searchParams.get('redirectTo'), null),
    providerError:
      providerError && ['state-mismatch', 'denied', 'token', 'profile', 'telegram', 'expired'].includes(providerError)
        ? providerError
        : null,
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const result = await signIn(request, await readForm(request), requestEvidence(request, context))
  if (result.ok) return redirect(destination(request, locale), { headers: result.headers })
  return data(result.failure, { status: result.status, headers: result.headers })
}

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function Login() {
  const { locale, providers, providerError, redirectTo } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>() as FormFailure | undefined
  const { t } = useTranslation('account')
  const navigation = useNavigation()
  return (
    <main id="main">
      <h1>{t('login.title')}</h1>
      {providerError ? (
        <p className="form-error" role="alert">
          {providerError === 'expired' ? t('providers.expired') : t(`providers.errors.${providerError}`)}
        </p>
      ) : null}
      <Form method="post" className="form" noValidate>
        <FormErrorSummary failure={failure} />
        <TextField
          name="email"
          type="email"
          label={t('fields.email')}
          autoComplete="email"
          defaultValue={failure?.values.email}
          error={failure?.fieldErrors.email}
        />
        <TextField
          name="password"
          type="password"
          label={t('fields.password')}
          autoComplete="current-password"
          error={failure?.fieldErrors.password}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('login.submit')}
          </button>
        </p>
      </Form>
      <p>
        <Link to={`/${locale}/forgot-password`}>{t('login.forgot')}</Link>
      </p>
      {providers.length ? (
        <section aria-labelledby="providers-heading">
          <h2 id="providers-heading">{t('providers.heading')}</h2>
          <ul className="providers">
            {providers.map((p) =>
              p.id === 'telegram' ? (
                <li key={p.id}>
                  <Link to={`/${locale}/login/telegram`} aria-describedby="telegram-hint">
                    {t('providers.signInWith', { name: p.label })}
                  </Link>
                  <span id="telegram-hint" className="field__hint">
                    {t('providers.telegramHint')}
                  </span>
                </li>
              ) : (
                <li key={p.id}>
                  <a
                    href={`/auth/${p.id}?${new URLSearchParams({ lang: locale, ...(redirectTo ? { redirectTo } : {}) })}`}
                  >
                    {t('providers.signInWith', { name: p.label })}
                  </a>
                </li>
              ),
            )}
          </ul>
        </section>
      ) : null}
      <p>
        {t('login.noAccount')} <Link to={`/${locale}/register`}>{t('nav.register')}</Link>
      </p>
    </main>
  )
}
