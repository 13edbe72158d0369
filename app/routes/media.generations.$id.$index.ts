import type { LoaderFunctionArgs } from '@remix-run/node'
import { serveResultImage } from '~/generation/index.server'

// A generated image, for its owner only (?download=1 for a download).
export function loader({ request, params }: LoaderFunctionArgs) {
  return serveResultImage(request, params.id ?? '', params.index ?? '')
}
