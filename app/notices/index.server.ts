// The surface of notices: the only module other folders import.
export {
  dismissNotice,
  eraseNoticesFor,
  findNotice,
  insertNotices,
  noticeProgress,
  noticesForExport,
  openNoticesFor,
  recordNoticeMail,
  toldAccountsRelation,
} from './notices.server'
export type { AccountNotice, NoticeProgress, NoticeToIssue } from './notices.server'
export { NOTICE_MAIL_STATUSES } from './schema'
export type { LegalNoticeRow, NoticeMailStatus } from './schema'
