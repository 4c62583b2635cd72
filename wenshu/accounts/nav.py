from wenshu.web.registry import NavItem, register_nav

register_nav(NavItem("工作台", "工作台", "web:workbench", order=0))
register_nav(NavItem("个人", "个人资料", "accounts:profile", order=10))
register_nav(NavItem("个人", "修改密码", "accounts:password_change", order=20))
register_nav(NavItem("个人", "登录记录", "accounts:login_history", order=30))
