from wenshu.web.registry import NavItem, register_nav  # noqa: F401
