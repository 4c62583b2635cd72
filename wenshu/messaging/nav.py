from wenshu.messaging.selectors import unread_count
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

register_nav(NavItem("协同办公", "站内邮件", "messaging:inbox", order=10))
register_counter(
    Counter("未读邮件", "messaging:inbox", count=lambda user: unread_count(viewer=user), order=20)
)
