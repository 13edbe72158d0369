import '@remix-run/node'

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** The client's IP address as the Express entry determined it; null in tests. */
    clientIp?: string | null
    /** This response's Content-Security-Policy nonce (server/app.ts); the inline scripts carry it. */
    cspNonce?: string
    /** The Content-Security-Policy an HTML page is sent with, already naming cspNonce (production). */
    contentSecurityPolicy?: string
  }
}

/** Evidence about the request that performed an action: where it came from and what sent it. */
export type RequestEvidence = { ip: string | null; userAgent: string | null }

/** Evidence about the request that performed an action. */
export function requestEvidence(request: Request, context: { clientIp?: string | null }): RequestEvidence {
  return {
    ip: context.clientIp ?? null,
    userAgent: request.headers.get('User-Agent')?.slice(0, 512) ?? null,
  }
}
