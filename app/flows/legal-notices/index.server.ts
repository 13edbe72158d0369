// The surface of flows/legal-notices: the only module other folders import.
export { accountNotices, issueDueNotices, noticeDays, noticeDueAt } from './issue.server'
export type { AccountNoticeView, NoticeRun, NoticeSettings } from './issue.server'
export { dismissNotice, noticeProgress, noticesForExport } from '~/notices/index.server'
