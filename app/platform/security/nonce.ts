import { createContext, useContext } from 'react'

/**
 * The Content-Security-Policy nonce of the page being rendered on the server
 * (the Express edge makes one per response). Every inline script Remix writes
 * carries it. In the browser it is undefined: the scripts have already run.
 */
export const NonceContext = createContext<string | undefined>(undefined)

export function useNonce(): string | undefined {
  return useContext(NonceContext)
}
