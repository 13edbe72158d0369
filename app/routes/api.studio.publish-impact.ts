import type { LoaderFunctionArgs } from '@remix-run/node'
import { publishImpact } from '~/flows/legal-admin/index.server'

// The Studio's publish confirmation reads this (see flows/legal-admin/publish-impact.server.ts).
// Its CORS preflight is answered at the edge (server/app.ts): Remix serves no OPTIONS.
export async function loader({ request }: LoaderFunctionArgs) {
  return publishImpact(request)
}
