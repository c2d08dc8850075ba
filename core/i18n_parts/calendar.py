"""Catalog entries of the holiday calendar: reading the State Council's notice."""

TEXTS = {
    "holiday_notice.error.no_year": "未能识别年份:请粘贴含标题(国务院办公厅关于××××年部分节假日安排的通知)的全文,或选择年份。",
    "holiday_notice.error.line": "第{line}行无法识别:{text}",
    "holiday_notice.error.nothing": "未找到放假或上班安排:请粘贴通知中“一、元旦:……”起的各条。",
    "audit.action.settings.holiday.notice": "录入国务院节假日通知",
    "settings.notice.title": "粘贴国务院办公厅节假日安排通知",
    "settings.notice.caption": "每年年底国务院办公厅公布下一年的节假日安排。将通知全文(或“一、元旦:……”起的各条)粘贴到下方,"
                               "核对识别结果后保存:该年的放假日和调休上班日即按通知录入(替换此前录入的该年安排),"
                               "尚未反馈事项中按规则计算的期限随之重新计算。",
    "settings.notice.text": "通知全文",
    "settings.notice.placeholder": "国务院办公厅关于2027年部分节假日安排的通知\n……\n一、元旦:1月1日(周五)至3日(周日)放假,共3天。\n……",
    "settings.notice.year": "年份(仅在未粘贴标题时使用)",
    "settings.notice.year_help": "通知标题中的年份优先;只粘贴了正文时,按此年份识别。",
    "settings.notice.preview": "识别出 **{year} 年**放假 {holidays} 天、调休上班 {workdays} 天;与当前日历不同的有 {changes} 天。",
    "settings.notice.col.name": "节日",
    "settings.notice.col.notice": "通知安排",
    "settings.notice.col.now": "当前日历",
    "settings.notice.col.change": "变化",
    "settings.notice.now.workday": "工作日",
    "settings.notice.now.rest": "休息日",
    "settings.notice.changes": "将变更",
    "settings.notice.removed": "此前录入的该年安排中,通知未列出的日期将删除:{days}。",
    "settings.notice.save": "按通知保存 {year} 年安排",
    "settings.notice.saved": "已按通知保存 {year} 年的 {n} 天安排,相关事项的期限已重新计算。",
    "audit.action.settings.refresh_estimates": "重算估算期限",
    "audit.action.settings.city_recompute": "全市节假日调整,重算本区期限",
}
