import { z } from 'zod'
import { countAccountsHoldingEarlierVersion } from '~/acceptances/index.server'
import { getPreviewAccess, type PreviewAccess } from '~/content/index.server'
import { guestLinksRelation, liveAccountsRelation } from '~/identity/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import { DOCUMENT_KINDS } from '~/platform/document-kinds'
import { getEnv } from '~/platform/env.server'
import { noticeDays as noticeDaysFor } from '~/flows/legal-notices/index.server'
import { LOCALES } from '~/platform/i18n/locales'
import { studioCorsHeaders, studioOrigin } from '~/platform/security/studio'

/**
 * GET /api/studio/publish-impact?kind=K&locale=L&version=N&sanity-preview-secret=S
 *
 * What the Studio's publish confirmation asks before a legal version is
 * published: `{"accountsToAskAgain": n}`, the accounts whose standing
 * acceptance of K in L is a version below N (acceptances' countAccountsHoldingEarlierVersion
 * says exactly who). The caller proves it is the Studio with a preview secret
 * it has just made (createPreviewSecret), checked like the draft preview's.
 * 400 for parameters that are not a kind, a locale and a version number;
 * 401 for a secret that is missing, unknown or older than an hour (or when
 * preview is off). Every answer is JSON, `Cache-Control: no-store`, readable
 * from SANITY_STUDIO_URL's origin only.
 */

const query = z.object({
  kind: z.enum(DOCUMENT_KINDS),
  locale: z.enum(LOCALES),
  version: z
    .string()
    .regex(/^[1-9]\d{0,5}$/, 'a version number')
    .transform(Number),
})

export type PublishImpactOptions = { access?: PreviewAccess | null; db?: Database; studioUrl?: string }

function json(body: unknown, status: number, headers: Headers): Response {
  headers.set('Content-Type', 'application/json; charset=utf-8')
  return new Response(JSON.stringify(body), { status, headers })
}

export async function publishImpact(request: Request, options: PublishImpactOptions = {}): Promise<Response> {
  const studioUrl = 'studioUrl' in options ? options.studioUrl : getEnv().SANITY_STUDIO_URL
  const headers = () => studioCorsHeaders(request.headers.get('Origin'), studioOrigin(studioUrl))
  const search = new URL(request.url).searchParams
  const parsed = query.safeParse({
    kind: search.get('kind') ?? undefined,
    locale: search.get('locale') ?? undefined,
    version: search.get('version') ?? undefined,
  })
  if (!parsed.success) {
    return json(
      {
        error: 'bad-parameters',
        message: 'kind, locale and version must name a document kind, ru or en, and a version number',
        fields: [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))],
      },
      400,
      headers(),
    )
  }
  const access = options.access === undefined ? getPreviewAccess() : options.access
  if (!access || !(await access.validate(request.url))) {
    return json(
      { error: 'invalid-secret', message: 'the preview secret is missing, unknown or expired' },
      401,
      headers(),
    )
  }
  const db = options.db ?? (await getDb())
  const accountsToAskAgain = await countAccountsHoldingEarlierVersion(db, parsed.data, {
    accounts: liveAccountsRelation(),
    guestLinks: guestLinksRelation(),
  })
  // When those accounts are told of a material version (app/flows/legal-notices), for the Studio to show.
  const noticeDays = noticeDaysFor(parsed.data.kind, getEnv())
  return json({ accountsToAskAgain, noticeDays }, 200, headers())
}
