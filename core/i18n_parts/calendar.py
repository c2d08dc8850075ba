"""Catalog entries of the holiday calendar: reading the State Council's notice."""

TEXTS = {
    "holiday_notice.error.no_year": "未能识别年份:请粘贴含标题(国务院办公厅关于××××年部分节假日安排的通知)的全文,或选择年份。",
    "holiday_notice.error.line": "第{line}行无法识别:{text}",
    "holiday_notice.error.nothing": "未找到放假或上班安排:请粘贴通知中“一、元旦:……”起的各条。",
}
