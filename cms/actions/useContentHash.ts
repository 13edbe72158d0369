import { useEffect, useMemo, useState } from 'react'
import { approvalCanonicalText, sha256Hex } from './approval'

/**
 * The approval hash of a document as it is now, or null while it is being
 * computed (Web Crypto is asynchronous). A hash computed for an earlier text
 * is never returned for a later one.
 */
export function useContentHash(document: Readonly<Record<string, unknown>> | null | undefined): string | null {
  const text = useMemo(() => (document ? approvalCanonicalText(document) : null), [document])
  const [computed, setComputed] = useState<{ text: string; hash: string } | null>(null)

  useEffect(() => {
    if (text === null) return
    let current = true
    void sha256Hex(text).then((hash) => {
      if (current) setComputed({ text, hash })
    })
    return () => {
      current = false
    }
  }, [text])

  return computed && computed.text === text ? computed.hash : null
}
