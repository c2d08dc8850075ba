"""Catalog entries of reminders (催办): digests by e-mail and work chat, and the reminder log."""

TEXTS = {
    "reminder.subject": "【催办】{unit}:{n}项待办理({overdue}项已超期)",
    "reminder.greeting": "{unit}联络员:",
    "reminder.intro": "以下事项需要贵单位办理,请在期限内签收、办理并反馈:",
    "reminder.line": "{n}. 【{stage}】{entity}:{title}(期限 {due}{late})",
    "reminder.late": ",已超期{days}天",
    "reminder.link": "   查看:{url}",
    "reminder.closing": "如已办理,请在工作台中签收或反馈;如有疑问,请联系协调机制办公室。",
    "reminder.signature": "硚口区府检联动协调机制办公室",
    "reminder.open": "查看",
    "reminder.stage.due_soon": "即将到期",
    "reminder.stage.due_today": "今日到期",
    "reminder.stage.overdue": "已超期",
    "reminder.stage.still_overdue": "仍超期",
    "reminder.stage.manual": "催办",
    "reminder.entity.item": "事项",
    "reminder.entity.follow_up": "会议议定事项",
    "reminder.entity.supervision": "督办",
    "audit.action.reminder.send": "发送催办",
}
