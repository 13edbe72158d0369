import { createPreviewSecret } from '@sanity/preview-url-secret/create-secret'
import { Box, Button, Card, Flex, Spinner, Stack, Text } from '@sanity/ui'
import { useCallback, useEffect, useState } from 'react'
import { useClient, useCurrentUser } from 'sanity'
import type { UserViewComponent } from 'sanity/structure'
import { apiVersion, siteUrl } from '../environment'

/** The `source` the site's secrets are tagged with (shows in the dataset as sanity.previewUrlSecret). */
const PREVIEW_SOURCE = 'palitra-preview'

// A secret lives an hour (@sanity/preview-url-secret); a new one is made a
// little before that, so a pane left open keeps working.
const RENEW_BEFORE_MS = 5 * 60 * 1000

// Saved edits show after a short pause, not on every keystroke.
const RELOAD_AFTER_MS = 1500

type Secret = { secret: string; expiresAt: Date }

type Target = { kind: string; locale: string; version: number }

function targetOf(document: Record<string, unknown>): Target | null {
  const { kind, locale, version } = document
  if (typeof kind !== 'string' || typeof locale !== 'string' || typeof version !== 'number') return null
  if (!Number.isInteger(version) || version < 1) return null
  return { kind, locale, version }
}

/** The address of the site's draft preview for this version, with the secret. */
export function previewUrl(target: Target, secret: string): string {
  const url = new URL(`${siteUrl}/${target.locale}/${target.kind}/preview/${target.version}`)
  url.searchParams.set('sanity-preview-secret', secret)
  return url.href
}

function Message({ children }: { children: React.ReactNode }) {
  return (
    <Card padding={4} tone="transparent">
      <Text size={1} muted>
        {children}
      </Text>
    </Card>
  )
}

/**
 * The "Preview" tab of a legal document: the site's preview page of the
 * draft in a frame. A preview secret is made for it (the site checks it on
 * every request and refuses it after an hour); saved edits reload the frame.
 */
export const PreviewPane: UserViewComponent = ({ document }) => {
  const client = useClient({ apiVersion })
  const currentUser = useCurrentUser()
  const target = targetOf(document.displayed)
  const draftRev = document.draft?._rev ?? null
  const [secret, setSecret] = useState<Secret | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [reloads, setReloads] = useState(0)

  const renew = useCallback(async () => {
    try {
      setFailure(null)
      setSecret(await createPreviewSecret(client, PREVIEW_SOURCE, window.location.href, currentUser?.id))
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error))
    }
  }, [client, currentUser?.id])

  // One secret when the tab opens; a fresh one shortly before it expires.
  useEffect(() => {
    if (!secret) {
      void renew()
      return
    }
    const timer = setTimeout(() => void renew(), Math.max(0, secret.expiresAt.getTime() - Date.now() - RENEW_BEFORE_MS))
    return () => clearTimeout(timer)
  }, [secret, renew])

  // The preview reads the draft as saved: reload once the edits settle.
  useEffect(() => {
    if (!draftRev) return
    const timer = setTimeout(() => setReloads((n) => n + 1), RELOAD_AFTER_MS)
    return () => clearTimeout(timer)
  }, [draftRev])

  if (!target) return <Message>Set the kind, the language and the version number to see a preview.</Message>
  if (!document.draft) {
    return (
      <Message>
        This version is published and has no unpublished changes, so there is nothing to preview. Its page on the site:{' '}
        <a href={`${siteUrl}/${target.locale}/${target.kind}/v/${target.version}`} target="_blank" rel="noreferrer">
          {`${siteUrl}/${target.locale}/${target.kind}/v/${target.version}`}
        </a>
      </Message>
    )
  }
  if (failure) {
    return (
      <Card padding={4} tone="critical">
        <Stack space={3}>
          <Text size={1}>The preview link could not be made: {failure}</Text>
          <Box>
            <Button text="Try again" mode="ghost" onClick={() => void renew()} />
          </Box>
        </Stack>
      </Card>
    )
  }
  if (!secret) {
    return (
      <Flex align="center" justify="center" padding={5}>
        <Spinner muted />
      </Flex>
    )
  }

  const src = previewUrl(target, secret.secret)
  return (
    <Flex direction="column" style={{ height: '100%' }}>
      <Card padding={2} borderBottom>
        <Flex align="center" gap={3} wrap="wrap">
          <Box flex={1}>
            <Text size={1} muted>
              Unpublished draft of version {target.version} as the site will show it. The link works for an hour.
            </Text>
          </Box>
          <Button text="Reload" mode="bleed" fontSize={1} onClick={() => setReloads((n) => n + 1)} />
          <a href={src} target="_blank" rel="noreferrer">
            <Text size={1}>Open in a new tab</Text>
          </a>
        </Flex>
      </Card>
      <Box flex={1}>
        <iframe
          key={reloads}
          title={`Preview of version ${target.version}`}
          src={src}
          style={{ border: 0, width: '100%', height: '100%', minHeight: '70vh', display: 'block' }}
        />
      </Box>
    </Flex>
  )
}
