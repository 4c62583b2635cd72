from wenshu.notify.selectors import can_read_outbox, unread_count
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

register_nav(NavItem("个人", "我的通知", "notify:list", order=5))
register_nav(NavItem("系统管理", "短信发件箱", "notify:outbox", order=80, visible=can_read_outbox))
register_counter(
    Counter("未读通知", "notify:list", count=lambda user: unread_count(viewer=user), order=90)
)
