import type { LoaderFunctionArgs } from '@remix-run/node'
import { clientError, refusalLocale } from '~/platform/i18n/client-errors.server'

// Any path under a language prefix that no route claims: a localized 404 from
// the root error boundary.
export function loader({ request }: LoaderFunctionArgs) {
  throw clientError(refusalLocale(request), 404)
}

export default function NotFound() {
  return null
}
