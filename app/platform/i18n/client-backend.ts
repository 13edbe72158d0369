import type { BackendModule } from 'i18next'

// Each namespace file becomes its own chunk, so the browser loads only the
// language and namespaces the page uses.
const files = import.meta.glob<{ default: Record<string, unknown> }>('../../../locales/*/*.json')

export const bundledBackend: BackendModule = {
  type: 'backend',
  init() {},
  read(language, namespace, callback) {
    const load = files[`../../../locales/${language}/${namespace}.json`]
    if (!load) {
      callback(new Error(`no strings for ${language}/${namespace}`), false)
      return
    }
    load().then(
      (module) => callback(null, module.default),
      (error: unknown) => callback(error as Error, false),
    )
  },
}
