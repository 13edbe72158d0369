import { data } from '@remix-run/node'

// Any path under a language prefix that no route claims: a localized 404 from
// the root error boundary.
export function loader() {
  throw data('Not found', { status: 404 })
}

export default function NotFound() {
  return null
}
