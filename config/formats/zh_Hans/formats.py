"""Input formats for zh-hans with the ISO forms first.

Django renders a DateInput/DateTimeInput with the first input format of the active locale.
For zh-hans that is "%Y/%m/%d", which an <input type="date"> cannot show: the browser treats
the value as empty, and a required date field then blocks the form. HTML date inputs take
only ISO values ("2026-12-06", "2026-12-06T09:30"), so those come first here; the Chinese
forms are still accepted when typed. Display formats (DATE_FORMAT …) stay Django's.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]
