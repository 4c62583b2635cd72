#!/usr/bin/env python3
"""Assemble the per-role user guide (docs/guide/<role>.md) from the feature parts.

Each feature writes docs/parts/<feature>.md with one "## <role>" section per role concerned.
This script files every section under the role pages whose keywords its heading names, so a
clerk reads one page with everything a clerk does. Run it after editing a part:

    python docs/assemble.py          # rewrite docs/guide/
    python docs/assemble.py --check  # exit 1 if docs/guide/ is stale (a test runs this)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = HERE / "parts"
GUIDE = HERE / "guide"

# role page → (title, keywords that file a section there). Sections for everyone ("每个人",
# "所有人员" …) go to everyone.md, which every role page links to first.
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "everyone": ("所有使用人员（通用操作）", ()),
    "clerk": (
        "文书（公文管理员）",
        ("文书", "拟稿", "信息员", "会议组织者", "参会", "申领人", "收文"),
    ),
    "leader": ("单位负责人", ("单位负责人", "签发", "核稿", "会签")),
    "unit-admin": ("单位系统管理员", ("单位系统管理员", "申领人", "文档管理员")),
    "custodian": ("印章保管人", ("印章保管人",)),
    "digital-office": ("市数字办", ("市数字办", "信息接收单位", "档案")),
    "gov-approver": ("市政府办公室审批人", ("市政府办公室审批人",)),
    "secrecy-officer": ("市保密局工作人员", ("市保密局",)),
    "system-admin": ("系统管理员（三员之一）", ("系统管理员", "运维", "部署", "接口", "关联系统")),
    "security-admin": ("安全保密管理员（三员之一）", ("安全保密管理员",)),
    "audit-admin": ("安全审计员（三员之一）", ("安全审计员",)),
}
EVERYONE = (
    "每个人",
    "所有人员",
    "全体",
    "提示信息",
    "密钥持有人",
    "验证电子签章",
    "通讯录",
    "承办部门",
)
SKIP = ("English summary",)


def sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The part's title and its (heading, body) level-2 sections."""
    title_match = re.search(r"^# (.+)$", text, re.M)
    title = title_match.group(1).strip() if title_match else ""
    chunks = re.split(r"^## ", text, flags=re.M)[1:]
    found = []
    for chunk in chunks:
        heading, _, body = chunk.partition("\n")
        found.append((heading.strip(), body.strip()))
    return title, found


def roles_for(heading: str) -> list[str]:
    if any(word in heading for word in SKIP):
        return []
    if any(word in heading for word in EVERYONE):
        return ["everyone"]
    chosen = []
    for role, (_, keywords) in ROLES.items():
        for word in keywords:
            # 单位系统管理员 must not also count as the city system administrator.
            if word == "系统管理员" and heading.replace("单位系统管理员", "").find(word) < 0:
                continue
            if word in heading:
                chosen.append(role)
                break
    return chosen


def build() -> tuple[dict[str, str], list[str]]:
    pages: dict[str, list[str]] = {role: [] for role in ROLES}
    orphans = []
    for part in sorted(PARTS.glob("*.md")):
        title, found = sections(part.read_text(encoding="utf-8"))
        for heading, body in found:
            targets = roles_for(heading)
            if not targets and not any(word in heading for word in SKIP):
                orphans.append(f"{part.name}: {heading}")
            for role in targets:
                demoted = re.sub(r"^(#{3,5}) ", lambda m: "#" + m.group(1) + " ", body, flags=re.M)
                pages[role].append(f"## {title or part.stem}：{heading}\n\n{demoted}\n")
    out = {}
    for role, chunks in pages.items():
        name = ROLES[role][0]
        head = (
            f"# 文枢用户手册：{name}\n\n"
            f"本页由 `docs/assemble.py` 从 `docs/parts/` 汇编，请修改分册后重新生成。\n"
            f"这里是{name}在文枢中要做的每一件事：一步一步怎么做，以及每条拒绝提示的含义。\n\n"
        )
        if role != "everyone":
            head += (
                "登录、改密、通知、上传文件等人人都用的操作见"
                "[所有使用人员（通用操作）](everyone.md)。\n\n"
            )
        out[f"{role}.md"] = head + "\n".join(chunks)
    return out, orphans


def main(argv: list[str]) -> int:
    pages, orphans = build()
    for orphan in orphans:
        print(f"未归入任何角色页的章节: {orphan}", file=sys.stderr)
    if "--check" in argv:
        stale = [
            n
            for n, t in pages.items()
            if not (GUIDE / n).exists() or (GUIDE / n).read_text(encoding="utf-8") != t
        ]
        for name in stale:
            print(f"docs/guide/{name} 已过期：请运行 python docs/assemble.py", file=sys.stderr)
        return 1 if stale or orphans else 0
    GUIDE.mkdir(exist_ok=True)
    for name, text in pages.items():
        (GUIDE / name).write_text(text, encoding="utf-8")
    return 1 if orphans else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
