// The surface of content: the only module other folders import.
export { isDocumentKind } from './legal-document'
export type {
  DocumentKind,
  LegalDocument,
  LegalDocumentSummary,
  PortableBody,
  RegisterTableBlock,
  RegisterTableName,
  SiteSettings,
  TableBlock,
  TextBlock,
} from './legal-document'
