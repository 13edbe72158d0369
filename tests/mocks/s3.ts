import { createHash, createHmac, randomBytes } from 'node:crypto'
import { http, HttpResponse } from 'msw'

/**
 * An S3-compatible object storage endpoint kept in memory, enough for the
 * app's storage layer: PutObject, GetObject/HeadObject, DeleteObject,
 * DeleteObjects (POST ?delete) and ListObjectsV2 (GET ?list-type=2 with
 * prefix, max-keys, continuation-token, start-after). Buckets are addressed
 * path-style (https://storage.s3.example/<bucket>/<key>) or virtual-hosted
 * (https://<bucket>.storage.s3.example/<key>).
 *
 * Like the real thing it checks every request's AWS Signature V4 against the
 * test credentials (403 AccessDenied without one, InvalidAccessKeyId,
 * AuthorizationHeaderMalformed for a wrong region, SignatureDoesNotMatch) and
 * the x-amz-content-sha256 of bodies, demands a correct Content-MD5 on
 * DeleteObjects and at most 1000 keys per DeleteObjects, and answers errors as
 * S3 XML documents. `s3Mock.failNext(n)` answers the next n requests with a
 * 503 (or 500) so tests can watch the SDK retry.
 */

export const S3_MOCK_ENDPOINT = 'https://storage.s3.example'
export const S3_MOCK_REGION = 'ru-central1'
export const S3_MOCK_BUCKET = 'palitra-test'
export const S3_MOCK_CREDENTIALS = {
  accessKeyId: 'YCAJE-TEST-ACCESS-KEY',
  secretAccessKey: 'test-secret-access-key-0123456789abcdef',
}

export type S3MockObject = {
  bytes: Buffer
  contentType: string
  /** The canned ACL it was written with ('private' when none was sent). */
  acl: string
  etag: string
  lastModified: Date
}

export type S3Operation =
  'PutObject' | 'GetObject' | 'HeadObject' | 'DeleteObject' | 'DeleteObjects' | 'ListObjectsV2' | 'Unsupported'

export type RecordedS3Request = {
  operation: S3Operation
  method: string
  url: string
  style: 'path' | 'virtual-hosted'
  bucket: string | null
  key: string | null
  headers: Record<string, string>
  query: Record<string, string>
  /** DeleteObjects: the keys asked for. */
  deleteKeys?: string[]
  status: number
}

/** bucket → key → object. Tests may read and seed it directly; reset() empties it. */
export const s3Store = new Map<string, Map<string, S3MockObject>>()

const requests: RecordedS3Request[] = []
let failures: { remaining: number; status: 500 | 503 } = { remaining: 0, status: 503 }
const deleteErrors = new Map<string, string>()

export const s3Mock = {
  store: s3Store,
  /** Every request the endpoint saw (including failed ones), oldest first. */
  requests,

  /** The objects of a bucket (the default test bucket unless named). */
  objects(bucket: string = S3_MOCK_BUCKET): Map<string, S3MockObject> {
    const objects = s3Store.get(bucket)
    if (!objects) throw new Error(`s3 mock: no bucket ${bucket}`)
    return objects
  },

  createBucket(bucket: string): void {
    if (!s3Store.has(bucket)) s3Store.set(bucket, new Map())
  },

  /** Stores an object without a request (fast set-up for big listings). */
  seed(key: string, bytes: Buffer | string = '', contentType = 'application/octet-stream', bucket = S3_MOCK_BUCKET) {
    const data = Buffer.from(bytes)
    s3Mock.objects(bucket).set(key, {
      bytes: data,
      contentType,
      acl: 'private',
      etag: etagOf(data),
      lastModified: new Date(),
    })
  },

  /** Answer the next `count` requests with this server error (the SDK should retry them). */
  failNext(count: number, status: 500 | 503 = 503): void {
    failures = { remaining: count, status }
  },

  /** Make DeleteObjects report this per-key error code (e.g. 'AccessDenied', 'NoSuchKey') for the key. */
  failDeleteOf(key: string, code: string): void {
    deleteErrors.set(key, code)
  },

  reset(): void {
    s3Store.clear()
    s3Store.set(S3_MOCK_BUCKET, new Map())
    requests.length = 0
    failures = { remaining: 0, status: 503 }
    deleteErrors.clear()
  },
}

s3Mock.reset()

const ENDPOINT_HOST = new URL(S3_MOCK_ENDPOINT).host
const ANY_HOST = /^https:\/\/([a-z0-9.-]+\.)?storage\.s3\.example(\/.*)?$/

export const s3Handlers = [http.all(ANY_HOST, ({ request }) => handle(request))]

type Parsed = {
  url: URL
  style: 'path' | 'virtual-hosted'
  bucket: string | null
  key: string | null
  query: Record<string, string>
}

function parse(request: Request): Parsed {
  const url = new URL(request.url)
  const query: Record<string, string> = {}
  for (const [name, value] of url.searchParams) query[name] = value
  const segments = url.pathname.split('/').slice(1).map(decodeURIComponent)
  if (url.host === ENDPOINT_HOST) {
    const bucket = segments.shift() || null
    const key = segments.join('/') || null
    return { url, style: 'path', bucket, key, query }
  }
  const bucket = url.host.slice(0, -ENDPOINT_HOST.length - 1)
  return { url, style: 'virtual-hosted', bucket, key: segments.join('/') || null, query }
}

function operationOf(method: string, parsed: Parsed): S3Operation {
  const { key, query } = parsed
  if (!parsed.bucket) return 'Unsupported'
  if (key === null) {
    if (method === 'GET' && query['list-type'] === '2') return 'ListObjectsV2'
    if (method === 'POST' && 'delete' in query) return 'DeleteObjects'
    return 'Unsupported'
  }
  // Sub-resources (?acl, ?tagging, ?uploads...) are not emulated.
  const subresources = Object.keys(query).filter((name) => !name.startsWith('x-id') && !name.startsWith('x-amz-'))
  if (subresources.length > 0) return 'Unsupported'
  if (method === 'PUT') return 'PutObject'
  if (method === 'GET') return 'GetObject'
  if (method === 'HEAD') return 'HeadObject'
  if (method === 'DELETE') return 'DeleteObject'
  return 'Unsupported'
}

async function handle(request: Request): Promise<Response> {
  const parsed = parse(request)
  const operation = operationOf(request.method, parsed)
  const body = Buffer.from(await request.arrayBuffer())
  const record: RecordedS3Request = {
    operation,
    method: request.method,
    url: request.url,
    style: parsed.style,
    bucket: parsed.bucket,
    key: parsed.key,
    headers: Object.fromEntries(request.headers),
    query: parsed.query,
    status: 0,
  }
  requests.push(record)
  const response = await answer(request, parsed, operation, body, record)
  record.status = response.status
  return response
}

async function answer(
  request: Request,
  parsed: Parsed,
  operation: S3Operation,
  body: Buffer,
  record: RecordedS3Request,
): Promise<Response> {
  const resource = `/${parsed.bucket ?? ''}${parsed.key ? `/${parsed.key}` : ''}`
  if (failures.remaining > 0) {
    failures.remaining -= 1
    return failures.status === 503
      ? error(503, 'ServiceUnavailable', 'Please reduce your request rate.', resource)
      : error(500, 'InternalError', 'We encountered an internal error. Please try again.', resource)
  }

  const denied = checkSignature(request, parsed, body, resource)
  if (denied) return denied

  if (operation === 'Unsupported') {
    return error(501, 'NotImplemented', 'The s3 mock does not emulate this request.', resource)
  }
  const objects = parsed.bucket ? s3Store.get(parsed.bucket) : undefined
  if (!objects) return error(404, 'NoSuchBucket', 'The specified bucket does not exist.', resource)

  const key = parsed.key ?? ''
  switch (operation) {
    case 'PutObject': {
      if (request.headers.get('content-encoding')?.includes('aws-chunked')) {
        return error(501, 'NotImplemented', 'aws-chunked uploads are not supported.', resource)
      }
      const contentMd5 = request.headers.get('content-md5')
      if (contentMd5 && contentMd5 !== createHash('md5').update(body).digest('base64')) {
        return error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.', resource)
      }
      const object: S3MockObject = {
        bytes: body,
        contentType: request.headers.get('content-type') ?? 'binary/octet-stream',
        acl: request.headers.get('x-amz-acl') ?? 'private',
        etag: etagOf(body),
        lastModified: new Date(),
      }
      objects.set(key, object)
      return new HttpResponse(null, { status: 200, headers: { ETag: object.etag, ...requestIdHeaders() } })
    }
    case 'GetObject':
    case 'HeadObject': {
      const object = objects.get(key)
      if (!object) {
        if (operation === 'HeadObject') return new HttpResponse(null, { status: 404, headers: requestIdHeaders() })
        return error(404, 'NoSuchKey', 'The specified key does not exist.', resource, `<Key>${xml(key)}</Key>`)
      }
      const headers = {
        'Content-Type': object.contentType,
        'Content-Length': String(object.bytes.length),
        ETag: object.etag,
        'Last-Modified': object.lastModified.toUTCString(),
        ...requestIdHeaders(),
      }
      if (operation === 'HeadObject') return new HttpResponse(null, { status: 200, headers })
      return new HttpResponse(new Uint8Array(object.bytes), { status: 200, headers })
    }
    case 'DeleteObject':
      objects.delete(key)
      return new HttpResponse(null, { status: 204, headers: requestIdHeaders() })
    case 'DeleteObjects':
      return deleteObjects(request, objects, body, resource, record)
    case 'ListObjectsV2':
      return listObjects(parsed, objects, resource)
  }
}

function deleteObjects(
  request: Request,
  objects: Map<string, S3MockObject>,
  body: Buffer,
  resource: string,
  record: RecordedS3Request,
): Response {
  const contentMd5 = request.headers.get('content-md5')
  if (!contentMd5) {
    return error(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5.', resource)
  }
  if (contentMd5 !== createHash('md5').update(body).digest('base64')) {
    return error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.', resource)
  }
  const text = body.toString('utf8')
  if (!/<Delete[\s>]/.test(text))
    return error(400, 'MalformedXML', 'The XML you provided was not well-formed.', resource)
  const keys = [...text.matchAll(/<Object>\s*<Key>([^<]*)<\/Key>/g)].map((match) => unxml(match[1] ?? ''))
  record.deleteKeys = keys
  if (keys.length === 0 || keys.length > 1000) {
    return error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate.', resource)
  }
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/.test(text)
  const parts: string[] = []
  for (const key of keys) {
    const code = deleteErrors.get(key)
    if (code) {
      parts.push(`<Error><Key>${xml(key)}</Key><Code>${xml(code)}</Code><Message>${xml(code)}</Message></Error>`)
      continue
    }
    objects.delete(key) // S3 reports missing keys as deleted too
    if (!quiet) parts.push(`<Deleted><Key>${xml(key)}</Key></Deleted>`)
  }
  return xmlResponse(
    200,
    `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</DeleteResult>`,
  )
}

function listObjects(parsed: Parsed, objects: Map<string, S3MockObject>, resource: string): Response {
  const { query } = parsed
  if (query.delimiter !== undefined || query['encoding-type'] !== undefined) {
    return error(501, 'NotImplemented', 'delimiter and encoding-type are not emulated.', resource)
  }
  const prefix = query.prefix ?? ''
  const maxKeys = query['max-keys'] === undefined ? 1000 : Number(query['max-keys'])
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    return error(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range', resource)
  }
  let after = query['start-after'] ?? ''
  const token = query['continuation-token']
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8')
    if (!decoded.startsWith('after:')) {
      return error(400, 'InvalidArgument', 'The continuation token provided is incorrect', resource)
    }
    after = decoded.slice('after:'.length)
  }
  const matching = [...objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort(compareKeys)
  const page = matching.slice(0, Math.min(maxKeys, 1000))
  const truncated = matching.length > page.length
  const last = page[page.length - 1]
  const contents = page.map((key) => {
    const object = objects.get(key) as S3MockObject
    return (
      `<Contents><Key>${xml(key)}</Key><LastModified>${object.lastModified.toISOString()}</LastModified>` +
      `<ETag>${xml(object.etag)}</ETag><Size>${object.bytes.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
    )
  })
  const document =
    `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xml(parsed.bucket ?? '')}</Name><Prefix>${xml(prefix)}</Prefix>` +
    `<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
    (token !== undefined ? `<ContinuationToken>${xml(token)}</ContinuationToken>` : '') +
    (truncated && last !== undefined
      ? `<NextContinuationToken>${Buffer.from(`after:${last}`).toString('base64url')}</NextContinuationToken>`
      : '') +
    (query['start-after'] !== undefined ? `<StartAfter>${xml(query['start-after'])}</StartAfter>` : '') +
    contents.join('') +
    `</ListBucketResult>`
  return xmlResponse(200, document)
}

/** S3 lists keys in UTF-8 byte order. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

// ---------------------------------------------------------------------------
// AWS Signature Version 4

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/

function checkSignature(request: Request, parsed: Parsed, body: Buffer, resource: string): Response | null {
  const authorization = request.headers.get('authorization')
  if (!authorization) return error(403, 'AccessDenied', 'Access Denied', resource)
  const match = AUTHORIZATION.exec(authorization)
  const amzDate = request.headers.get('x-amz-date')
  const payloadHash = request.headers.get('x-amz-content-sha256')
  if (!match || !amzDate || !payloadHash) {
    return error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.', resource)
  }
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = match as unknown as string[]
  if (accessKeyId !== S3_MOCK_CREDENTIALS.accessKeyId) {
    return error(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      resource,
    )
  }
  if (region !== S3_MOCK_REGION || service !== 's3' || !amzDate.startsWith(date ?? '')) {
    return error(
      400,
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${region}' is wrong; expecting '${S3_MOCK_REGION}'`,
      resource,
    )
  }
  if (/^[0-9a-f]{64}$/.test(payloadHash)) {
    if (createHash('sha256').update(body).digest('hex') !== payloadHash) {
      return error(
        400,
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match.",
        resource,
      )
    }
  } else if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    return error(501, 'NotImplemented', `x-amz-content-sha256 ${payloadHash} is not emulated.`, resource)
  }
  const signedHeaders = (signedHeaderList ?? '').split(';')
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    return error(400, 'AuthorizationHeaderMalformed', 'host and x-amz-date must be signed.', resource)
  }
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = name === 'host' ? (request.headers.get('host') ?? parsed.url.host) : request.headers.get(name)
      return `${name}:${(value ?? '').trim().replace(/\s+/g, ' ')}\n`
    })
    .join('')
  const canonicalRequest = [
    request.method,
    parsed.url.pathname || '/',
    canonicalQuery(parsed.url),
    canonicalHeaders,
    signedHeaderList,
    payloadHash,
  ].join('\n')
  const scope = `${date}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  const signingKey = [date, region, service, 'aws4_request'].reduce<Buffer>(
    (key, part) => hmac(key, part ?? ''),
    Buffer.from(`AWS4${S3_MOCK_CREDENTIALS.secretAccessKey}`),
  )
  if (hmac(signingKey, stringToSign).toString('hex') !== signature) {
    return error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
      resource,
    )
  }
  return null
}

function canonicalQuery(url: URL): string {
  const pairs: [string, string][] = []
  for (const [name, value] of url.searchParams) {
    if (name.toLowerCase() !== 'x-amz-signature') pairs.push([escapeUri(name), escapeUri(value)])
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
  return pairs.map(([name, value]) => `${name}=${value}`).join('&')
}

function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest()
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex')
}

// ---------------------------------------------------------------------------
// Responses

function etagOf(bytes: Buffer): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`
}

function requestIdHeaders(): Record<string, string> {
  return { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase() }
}

function xmlResponse(status: number, document: string): Response {
  return new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?>\n${document}`, {
    status,
    headers: { 'Content-Type': 'application/xml', ...requestIdHeaders() },
  })
}

function error(status: number, code: string, message: string, resource: string, extra = ''): Response {
  return xmlResponse(
    status,
    `<Error><Code>${xml(code)}</Code><Message>${xml(message)}</Message>${extra}` +
      `<Resource>${xml(resource)}</Resource><RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`,
  )
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`)
}

function unxml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10))
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[entity] ?? ''
  })
}
