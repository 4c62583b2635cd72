"""python manage.py export_packages OUT_DIR [--since DATE] [--unit ID]

Archive hand-over: writes the sealed exchange package of every SENT document (optionally
sent on or after DATE, or of one unit) into OUT_DIR, one ZIP each, named by its document
number made safe for file systems (白财〔2026〕12号.zip). Each package can be checked
offline with `python -m wenshu.verify PACKAGE.zip`. Existing files are never overwritten;
running it again skips the packages already exported.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from wenshu.documents.models import Document, SealedPackage
from wenshu.documents.views.files import safe_name


class Command(BaseCommand):
    help = "导出已发出公文的交换包（每份一个 ZIP，按发文字号命名），用于档案移交。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir", help="输出目录（不存在时自动创建）")
        parser.add_argument("--since", help="只导出该日期（含）之后发出的公文，如 2026-01-01")
        parser.add_argument("--unit", type=int, help="只导出该单位（编号）发出的公文")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out_dir"])
        out.mkdir(parents=True, exist_ok=True)
        docs = Document.objects.filter(status=Document.Status.SENT).order_by("sent_at", "id")
        if options.get("since"):
            day = parse_date(options["since"])
            if day is None:
                raise CommandError("--since 的日期格式应为 2026-01-01")
            docs = docs.filter(sent_at__gte=timezone.make_aware(datetime.combine(day, time.min)))
        if options.get("unit"):
            docs = docs.filter(unit_id=options["unit"])
        written = 0
        for doc in docs.iterator():
            written += self._write(out, doc)
        self.stdout.write(f"已导出 {written} 个交换包到 {out}")

    def _write(self, out: Path, doc: Document) -> int:
        package = SealedPackage.objects.filter(document=doc).only("package").first()
        if package is None:
            self.stderr.write(f"公文 {doc.pk}（{doc.doc_number}）没有交换包，已跳过")
            return 0
        data = bytes(package.package)
        # Two units may share a 机关代字; the second of the same name gets its id appended.
        for path in (out / safe_name(doc, ".zip"), out / safe_name(doc, f"-{doc.pk}.zip")):
            if not path.exists():
                path.write_bytes(data)
                return 1
            if path.read_bytes() == data:
                return 0  # exported by an earlier run
        self.stderr.write(f"{path.name} 已存在且内容不同，未覆盖")
        return 0
