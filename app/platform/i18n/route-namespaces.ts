import { useMatches } from '@remix-run/react'
import type { i18n as I18n } from 'i18next'
import { useTranslation } from 'react-i18next'

/** The namespaces the matched routes declare in `handle.i18n`, each once, in route order. */
export function routeNamespaces(matches: ReadonlyArray<{ handle?: unknown }>): string[] {
  const namespaces = new Set<string>()
  for (const match of matches) {
    const declared = (match.handle as { i18n?: unknown } | undefined)?.i18n
    const list = typeof declared === 'string' ? [declared] : Array.isArray(declared) ? declared : []
    for (const ns of list) if (typeof ns === 'string') namespaces.add(ns)
  }
  return [...namespaces]
}

// One load per set of namespaces, so every render that waits for it throws the same promise.
const pending = new Map<string, Promise<void>>()

function loadOnce(i18n: I18n, missing: string[]): Promise<void> {
  const key = `${i18n.language}|${missing.join(',')}`
  let promise = pending.get(key)
  if (!promise) {
    promise = new Promise<void>((resolve) => {
      // A failed file counts as settled for i18next (hasLoadedNamespace is true
      // after it), so a broken network cannot make the page wait forever.
      void i18n.loadNamespaces(missing, () => {
        pending.delete(key)
        resolve()
      })
    })
    pending.set(key, promise)
  }
  return promise
}

/**
 * Holds a page back until the strings of every matched route are loaded.
 *
 * The server renders with every namespace; the browser starts with the ones
 * the first page's routes declare (entry.client.tsx). A client-side
 * navigation matches routes that may declare others: without this the new
 * page would render its raw keys until the files arrived. Remix commits a
 * navigation inside a transition, so suspending here keeps the previous page
 * on screen until the new one can be shown with its words.
 */
export function useRouteNamespaces(): void {
  const matches = useMatches()
  const { i18n } = useTranslation()
  const missing = routeNamespaces(matches).filter((ns) => !i18n.hasLoadedNamespace(ns))
  // On the server every namespace is in the store, so this only ever waits in the browser.
  if (missing.length > 0) throw loadOnce(i18n, missing)
}
