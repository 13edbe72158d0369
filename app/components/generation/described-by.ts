/** The aria-describedby value for the ids given, leaving out the missing ones; undefined when none is left. */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(' ') || undefined
}
