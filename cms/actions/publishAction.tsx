import { Button, Card, Flex, Stack, Text } from '@sanity/ui'
import { useEffect, useState, type ReactNode } from 'react'
import {
  useClient,
  useCurrentUser,
  useDocumentOperation,
  useDocumentPairPermissions,
  type DocumentActionComponent,
  type SanityClient,
  type SanityDocument,
} from 'sanity'
import { apiVersion, siteUrl } from '../environment'
import { fetchSeries } from '../schemaTypes/series'
import type { StoredVersion } from '../schemaTypes/rules'
import { KIND_TITLES, LOCALE_TITLES, isDocumentKind, isLocale } from '../schemaTypes/vocabulary'
import { decidePublish, describeApprover, type Approval } from './approval'
import { formatMoscow, formatUtc } from './moments'
import { describeCounterpart, otherLanguageWarning, otherLocale } from './otherLanguage'
import { askSiteForPublishImpact, describeNotice, describePublishImpact, type PublishImpact } from './publishImpact'
import { useDraftState } from './useDraftState'

export const PUBLISH_LABEL = 'Publish'
export const PUBLISH_DIALOG_HEADER = 'Publish this version?'

// How long “Publishing…” may show before the button is offered again; a failed
// publish is reported by the Studio itself.
const PUBLISH_SETTLE_MS = 10_000

/**
 * Sanity's Publish, for legal documents: the same publish operation (so it
 * still goes through /data/actions) and the same reasons to wait, plus an
 * approval by somebody else and a confirmation that shows what is about to
 * happen.
 */
export const ConfirmedPublishAction: DocumentActionComponent = ({ id, type, draft, published }) => {
  const { publish } = useDocumentOperation(id, type)
  const client = useClient({ apiVersion })
  const currentUser = useCurrentUser()
  const state = useDraftState(id, type, draft)
  const [permission, permissionLoading] = useDocumentPairPermissions({ id, type, permission: 'publish' })
  const [dialogOpen, setDialogOpen] = useState(false)
  // The published revision when publishing started: publishing is over once it changes.
  const [publishingFrom, setPublishingFrom] = useState<{ rev: string | undefined } | null>(null)

  const publishedRev = published?._rev
  useEffect(() => {
    if (!publishingFrom) return
    if (publishedRev !== publishingFrom.rev) {
      setPublishingFrom(null)
      return
    }
    const timer = setTimeout(() => setPublishingFrom(null), PUBLISH_SETTLE_MS)
    return () => clearTimeout(timer)
  }, [publishingFrom, publishedRev])

  if (!draft) {
    return {
      label: PUBLISH_LABEL,
      disabled: true,
      title: published
        ? 'This version is published and cannot change. Use “New version from this one”.'
        : 'There is nothing to publish yet.',
    }
  }

  if (!permissionLoading && permission && !permission.granted) {
    return { label: PUBLISH_LABEL, disabled: true, title: 'Your role in this project may not publish documents.' }
  }

  const decision = decidePublish({
    hasDraft: true,
    operationDisabled: publish.disabled,
    ...state,
    currentUserId: currentUser?.id ?? null,
  })
  const publishing = publishingFrom !== null

  const confirm = () => {
    setDialogOpen(false)
    // Checked again: the draft may have changed while the dialog was open.
    if (!decision.allowed) return
    setPublishingFrom({ rev: publishedRev })
    publish.execute()
  }

  return {
    label: publishing ? 'Publishing…' : PUBLISH_LABEL,
    tone: 'positive',
    disabled: publishing || permissionLoading || !decision.allowed,
    title: decision.allowed
      ? `Approved by ${describeApprover(decision.approval)}. You will be asked to confirm.`
      : decision.reasons.join(' '),
    onHandle: () => setDialogOpen(true),
    dialog: dialogOpen
      ? {
          type: 'dialog',
          header: PUBLISH_DIALOG_HEADER,
          width: 'medium',
          onClose: () => setDialogOpen(false),
          content: (
            <PublishConfirmation
              client={client}
              userId={currentUser?.id ?? null}
              draft={draft}
              approval={decision.allowed ? decision.approval : null}
            />
          ),
          footer: (
            <Flex gap={2} justify="flex-end">
              <Button mode="ghost" text="Cancel" onClick={() => setDialogOpen(false)} />
              <Button
                tone="positive"
                text="Publish"
                disabled={!decision.allowed}
                title={decision.allowed ? undefined : decision.reasons.join(' ')}
                onClick={confirm}
              />
            </Flex>
          ),
        }
      : null,
  }
}
ConfirmedPublishAction.action = 'publish'
ConfirmedPublishAction.displayName = 'ConfirmedPublishAction'

type Loaded<T> = { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; reason: string }

function Row({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <Stack space={2} data-testid={testId}>
      <Text size={1} weight="medium" muted>
        {label}
      </Text>
      {children}
    </Stack>
  )
}

function PublishConfirmation({
  client,
  userId,
  draft,
  approval,
}: {
  client: SanityClient
  userId: string | null
  draft: SanityDocument
  approval: Approval | null
}) {
  const { kind, locale, version, effectiveFrom } = draft
  const material = draft.material === true
  const known = isDocumentKind(kind) && isLocale(locale) && typeof version === 'number'
  const [impact, setImpact] = useState<PublishImpact | null>(null)
  const [otherRows, setOtherRows] = useState<Loaded<StoredVersion[]>>({ status: 'loading' })

  useEffect(() => {
    if (!isDocumentKind(kind) || !isLocale(locale)) return
    let current = true
    fetchSeries(client, kind, otherLocale(locale)).then(
      (rows) => current && setOtherRows({ status: 'done', value: rows }),
      (error: unknown) =>
        current && setOtherRows({ status: 'failed', reason: error instanceof Error ? error.message : String(error) }),
    )
    return () => {
      current = false
    }
  }, [client, kind, locale])

  useEffect(() => {
    if (!material || !isDocumentKind(kind) || !isLocale(locale) || typeof version !== 'number') return
    if (!userId) {
      setImpact({ known: false, reason: 'your Sanity user is not known yet' })
      return
    }
    let current = true
    void askSiteForPublishImpact(client, userId, siteUrl, { kind, locale, version }, window.location.href).then(
      (answer) => current && setImpact(answer),
    )
    return () => {
      current = false
    }
  }, [client, userId, material, kind, locale, version])

  if (!known) return <Text>This document has no valid kind, language or version number.</Text>

  const other = LOCALE_TITLES[otherLocale(locale)]
  const notice = describeNotice(material, effectiveFrom, impact)
  const warning = otherRows.status === 'done' ? otherLanguageWarning(locale, otherRows.value, effectiveFrom) : null

  return (
    <Stack space={4} data-testid="publish-confirmation">
      <Row label="Kind" testId="publish-confirmation-kind">
        <Text>{KIND_TITLES[kind]}</Text>
      </Row>
      <Row label="Language" testId="publish-confirmation-language">
        <Text>{LOCALE_TITLES[locale]}</Text>
      </Row>
      <Row label="Version" testId="publish-confirmation-version">
        <Text>{version}</Text>
      </Row>
      <Row label="In force from" testId="publish-confirmation-effective">
        <Text>{formatUtc(effectiveFrom) ?? 'Not set'}</Text>
        <Text>{formatMoscow(effectiveFrom) ?? ''}</Text>
      </Row>
      <Row label="Material change" testId="publish-confirmation-material">
        <Text>
          {material
            ? 'Yes: everyone who accepted an earlier version is asked to accept this one.'
            : 'No: the new version simply replaces the old one.'}
        </Text>
      </Row>
      <Row label="Accounts asked to accept again" testId="publish-confirmation-impact">
        <Text>{describePublishImpact(material, impact)}</Text>
      </Row>
      <Row label="Advance notice" testId="publish-confirmation-notice">
        {notice.late ? (
          <Card tone="caution" padding={3} radius={2} border>
            <Text>{notice.text}</Text>
          </Card>
        ) : (
          <Text>{notice.text}</Text>
        )}
      </Row>
      <Row label="Approved by" testId="publish-confirmation-approval">
        <Text>
          {approval
            ? `${describeApprover(approval)}, ${formatUtc(approval.approvedAt) ?? approval.approvedAt}`
            : 'Not approved'}
        </Text>
      </Row>
      <Row label={`${other} version`} testId="publish-confirmation-other-language">
        {otherRows.status === 'loading' ? (
          <Text muted>Checking the {other} versions…</Text>
        ) : otherRows.status === 'failed' ? (
          <Text>
            Could not check the {other} versions: {otherRows.reason}
          </Text>
        ) : warning ? (
          <Card tone="caution" padding={3} radius={2} border>
            <Text>{warning}</Text>
          </Card>
        ) : (
          <Text>{describeCounterpart(locale, otherRows.value, effectiveFrom)}</Text>
        )}
      </Row>
    </Stack>
  )
}
