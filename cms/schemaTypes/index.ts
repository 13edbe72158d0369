import { creditPack, localizedText } from './creditPack'
import { legalDocument } from './legalDocument'
import { localizedString } from './localizedString'
import { registerTable } from './registerTable'
import { registrationNumber, siteSettings } from './siteSettings'
import { table, tableRow } from './table'

export const schemaTypes = [
  legalDocument,
  siteSettings,
  creditPack,
  localizedString,
  localizedText,
  registrationNumber,
  table,
  tableRow,
  registerTable,
]
