import { defineCliConfig } from 'sanity/cli'
import { dataset, projectId } from './environment'

export default defineCliConfig({
  api: { projectId, dataset },
  // Auto-updates would make the Studio load `sanity` from Sanity's CDN and make
  // the build compare versions online; we build offline from the lockfile.
  deployment: { autoUpdates: false },
})
