import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { evaluate, parse } from 'groq-js'
import { ROOT } from './studio-server'

/** A stored document, as the Content Lake keeps it. */
export interface StoredDocument {
  _id: string
  _type: string
  _rev?: string
  _createdAt?: string
  _updatedAt?: string
  [field: string]: unknown
}

/** One mutation of the /data/mutate body (and of a create/patch the actions carry). */
export type MutationBody = Record<string, unknown>

/** A document changed by a transaction: what it was and what it became (null: absent). */
export interface DocumentChange {
  id: string
  before: StoredDocument | null
  after: StoredDocument | null
  mutations: MutationBody[]
}

export interface Transaction {
  id: string
  identity: string
  timestamp: string
  changes: DocumentChange[]
}

/** The perspectives the query API knows, and what each one returns. */
export type Perspective = 'raw' | 'drafts' | 'published'

/** An error the API answers with a 4xx, worded like Sanity's. */
export class LakeError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly type = 'mutationError',
  ) {
    super(message)
  }
}

// The Studio's own patch engine (@sanity/mutator, from the Studio's install), so
// a patch lands in the stand-in exactly as the Studio predicts it will. It is
// loaded by file URL: the web app's install does not have it, and the root
// typecheck runs before the Studio is installed.
interface MutatorModule {
  Mutation: new (params: { mutations: MutationBody[] }) => {
    apply(document: StoredDocument | null): StoredDocument | null
  }
}
let mutator: Promise<MutatorModule> | undefined
function loadMutator(): Promise<MutatorModule> {
  const entry = pathToFileURL(path.join(ROOT, 'cms/node_modules/@sanity/mutator/lib/index.js')).href
  mutator ??= import(entry) as Promise<MutatorModule>
  return mutator
}

export function isDraftId(id: string): boolean {
  return id.startsWith('drafts.')
}

export function isVersionId(id: string): boolean {
  return id.startsWith('versions.')
}

export function publishedIdOf(id: string): string {
  if (isDraftId(id)) return id.slice('drafts.'.length)
  if (isVersionId(id)) return id.split('.').slice(2).join('.')
  return id
}

/** Sanity's revision ids are opaque strings; the transaction id doubles as the new `_rev`. */
export function newTransactionId(): string {
  return randomBytes(11).toString('base64url')
}

function copy<T>(value: T): T {
  return structuredClone(value)
}

/**
 * The dataset the stand-in serves: documents in memory, GROQ through groq-js,
 * and transactions that change several documents at once and report what
 * changed, so the listener can tell the Studio.
 */
export class ContentLake {
  private documents = new Map<string, StoredDocument>()
  private readonly subscribers = new Set<(transaction: Transaction) => void>()
  /** Every committed transaction, oldest first (tests read what the Studio did). */
  readonly transactions: Transaction[] = []

  constructor(documents: readonly StoredDocument[] = []) {
    this.reset(documents)
  }

  reset(documents: readonly StoredDocument[]): void {
    this.documents = new Map(documents.map((document) => [document._id, copy(document)]))
    this.transactions.length = 0
  }

  get(id: string): StoredDocument | undefined {
    const document = this.documents.get(id)
    return document && copy(document)
  }

  all(): StoredDocument[] {
    return [...this.documents.values()].map(copy)
  }

  subscribe(subscriber: (transaction: Transaction) => void): () => void {
    this.subscribers.add(subscriber)
    return () => this.subscribers.delete(subscriber)
  }

  /** The documents a query sees in a perspective, shaped as the API shapes them. */
  view(perspective: Perspective): StoredDocument[] {
    const documents = [...this.documents.values()]
    if (perspective === 'raw') return documents
    const published = documents.filter((document) => !isDraftId(document._id) && !isVersionId(document._id))
    if (perspective === 'published') return published
    // Drafts over published documents, under the published id, with the real id in _originalId.
    const byId = new Map<string, StoredDocument>(published.map((document) => [document._id, document]))
    for (const draft of documents.filter((document) => isDraftId(document._id))) {
      const id = publishedIdOf(draft._id)
      byId.set(id, { ...draft, _id: id, _originalId: draft._id })
    }
    return [...byId.values()]
  }

  async query(query: string, params: Record<string, unknown>, perspective: Perspective): Promise<unknown> {
    const tree = parse(query, { params })
    const value = await evaluate(tree, { dataset: copy(this.view(perspective)), params })
    return value.get()
  }

  /** True when the document (or nothing) is selected by a listener's query. */
  async matches(query: string, params: Record<string, unknown>, document: StoredDocument): Promise<boolean> {
    const tree = parse(query, { params })
    const result = await (await evaluate(tree, { dataset: [copy(document)], params })).get()
    return Array.isArray(result) ? result.length > 0 : Boolean(result)
  }

  /**
   * Runs `work` on a scratch copy and keeps its result only if it does not
   * throw: a transaction applies whole or not at all, as in Sanity.
   */
  async transact(
    options: { id?: string; identity: string },
    work: (draft: TransactionBuilder) => Promise<void> | void,
  ): Promise<Transaction> {
    const id = options.id ?? newTransactionId()
    const timestamp = new Date().toISOString()
    const builder = new TransactionBuilder(this.documents, id, timestamp, await loadMutator())
    await work(builder)
    const changes = builder.changes()
    for (const change of changes) {
      if (change.after) this.documents.set(change.id, change.after)
      else this.documents.delete(change.id)
    }
    const transaction: Transaction = { id, identity: options.identity, timestamp, changes: copy(changes) }
    this.transactions.push(transaction)
    for (const subscriber of this.subscribers) subscriber(transaction)
    return transaction
  }
}

/** The operations a transaction is made of; each checks what Sanity checks. */
export class TransactionBuilder {
  private readonly working = new Map<string, StoredDocument | null>()
  private readonly applied = new Map<string, MutationBody[]>()

  constructor(
    private readonly stored: ReadonlyMap<string, StoredDocument>,
    readonly id: string,
    private readonly timestamp: string,
    private readonly mutator: MutatorModule,
  ) {}

  get(id: string): StoredDocument | null {
    if (this.working.has(id)) {
      const document = this.working.get(id)
      return document ? copy(document) : null
    }
    const document = this.stored.get(id)
    return document ? copy(document) : null
  }

  private put(id: string, document: StoredDocument | null, mutation: MutationBody): void {
    this.working.set(id, document)
    this.applied.set(id, [...(this.applied.get(id) ?? []), mutation])
  }

  private stamp(document: StoredDocument, createdAt?: string): StoredDocument {
    return {
      ...document,
      _createdAt: createdAt ?? document._createdAt ?? this.timestamp,
      _updatedAt: this.timestamp,
      _rev: this.id,
    }
  }

  create(document: StoredDocument): void {
    if (this.get(document._id)) {
      throw new LakeError(409, `Document by ID "${document._id}" already exists`, 'documentAlreadyExistsError')
    }
    this.put(document._id, this.stamp(document, this.timestamp), { create: document })
  }

  createIfNotExists(document: StoredDocument): void {
    if (this.get(document._id)) return
    this.put(document._id, this.stamp(document, this.timestamp), { createIfNotExists: document })
  }

  createOrReplace(document: StoredDocument): void {
    const existing = this.get(document._id)
    this.put(document._id, this.stamp(document, existing?._createdAt ?? this.timestamp), {
      createOrReplace: document,
    })
  }

  delete(id: string): void {
    if (!this.get(id)) return
    this.put(id, null, { delete: { id } })
  }

  patch(patch: Record<string, unknown> & { id: string; ifRevisionID?: string }): void {
    const existing = this.get(patch.id)
    if (!existing) throw new LakeError(404, `Cannot modify nonexistent document "${patch.id}"`, 'documentNotFoundError')
    if (patch.ifRevisionID && patch.ifRevisionID !== existing._rev) {
      throw new LakeError(
        409,
        `Document "${patch.id}" has unexpected revision ID ("${existing._rev}")`,
        'conflictError',
      )
    }
    const mutation: MutationBody = { patch }
    const patched = new this.mutator.Mutation({ mutations: [mutation] }).apply(existing)
    if (!patched) throw new LakeError(400, `The patch left no document "${patch.id}"`)
    this.put(patch.id, this.stamp({ ...patched, _id: existing._id, _type: existing._type }), mutation)
  }

  changes(): DocumentChange[] {
    const changes: DocumentChange[] = []
    for (const [id, after] of this.working) {
      const before = this.stored.get(id) ?? null
      if (!before && !after) continue
      changes.push({ id, before: before && copy(before), after, mutations: this.applied.get(id) ?? [] })
    }
    return changes
  }
}
