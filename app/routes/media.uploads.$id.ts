import type { LoaderFunctionArgs } from '@remix-run/node'
import { serveSourcePhoto } from '~/generation/index.server'

// The photo a person uploaded with a generation, for its owner only.
export function loader({ request, params }: LoaderFunctionArgs) {
  return serveSourcePhoto(request, params.id ?? '')
}
