"""Excel (.xlsx) export and import of a unit's register.

Import creates and updates by asset number. Every row is checked first; any bad cell refuses
the whole file with a message naming its row and column, and nothing is written: the rows are
applied in one transaction, all or nothing. Status and internet columns are kept by the system
(through the requests and approvals) and are ignored on import.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from wenshu.accounts.models import User
from wenshu.assets.models import Asset, AssetMove, Category
from wenshu.assets.services._common import money, require_member, require_office
from wenshu.assets.services.register import clean_asset_number, custody
from wenshu.audit.services import audit_record
from wenshu.lib import scan
from wenshu.lib.errors import Conflict, DomainError, TooLarge
from wenshu.org.models import Department

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS_SHOWN = 50
S = Asset.Status
# (header, what the export writes); the first five are required on import.
COLUMNS = [
    "资产编号",
    "设备类别",
    "品牌型号",
    "购置日期",
    "原值（元）",
    "序列号",
    "使用部门",
    "保管人用户名",
    "保管人姓名",
    "存放地点",
    "办公自动化专用",
    "状态",
    "已批准接入互联网",
    "联网批准日期",
    "杀毒软件",
    "杀毒软件版本",
    "备注",
]
REQUIRED = COLUMNS[:5]
IGNORED = {"保管人姓名", "状态", "已批准接入互联网", "联网批准日期", "杀毒软件", "杀毒软件版本"}
_TRUE = {"是", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "n", "no", "false", "0", "×"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


# --- export ------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _export_row(asset: Asset) -> list[Any]:
    custodian = asset.custodian
    approved = asset.internet_approved_at
    return [
        asset.asset_number,
        asset.get_category_display(),
        asset.model,
        asset.purchase_date,
        asset.purchase_value,
        asset.serial_number,
        asset.department.name if asset.department else "",
        custodian.username if custodian else "",
        custodian.real_name if custodian else "",
        asset.location,
        _yes(asset.is_oa_equipment),
        asset.get_status_display(),
        _yes(asset.internet_approved),
        timezone.localdate(approved) if approved else None,
        asset.antivirus_product,
        asset.antivirus_version,
        asset.note,
    ]


def register_export(*, viewer: User) -> bytes:
    """The viewer's unit register as an .xlsx workbook, every column."""
    require_member(viewer, viewer.unit_id)
    book = Workbook()
    sheet = book.active
    sheet.title = "设备台账"
    sheet.append(COLUMNS)
    assets = (
        Asset.objects.filter(unit_id=viewer.unit_id)
        .select_related("department", "custodian")
        .order_by("asset_number")
    )
    for asset in assets:
        sheet.append(_export_row(asset))
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=5):
        row[0].number_format = "yyyy-mm-dd"
        row[1].number_format = "0.00"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- import: reading and checking --------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


class ImportRefused(DomainError):
    """The file was refused as a whole; `errors` lists every bad cell found."""

    code = "import_refused"

    def __init__(self, errors: list[RowError]) -> None:
        shown = "；".join(str(e) for e in errors[:5])
        more = f"（另有 {len(errors) - 5} 处错误）" if len(errors) > 5 else ""
        super().__init__(f"导入未执行，台账没有任何改动。{shown}{more}")
        self.errors = errors[:MAX_ERRORS_SHOWN]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    numbers: list[str] = field(default_factory=list)


@dataclass
class _Context:
    unit_id: int
    departments: dict[str, Department]
    people: dict[str, User]
    existing: dict[str, Asset]
    today: date
    errors: list[RowError] = field(default_factory=list)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an asset number typed as a number comes back as 1001.0
    return str(value).strip()


def parse_category(value: Any) -> str:
    raw = _cell_text(value)
    for code, label in Category.choices:
        if raw in (code, label):
            return code
    labels = "、".join(label for _, label in Category.choices)
    raise DomainError(f"设备类别“{raw}”不正确，应为：{labels}" if raw else "请填写设备类别")


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _cell_text(value)
    if not raw:
        raise DomainError("请填写日期")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise DomainError(f"日期“{raw}”无法识别，请写成 2024-03-01 这样的格式")


def parse_bool(value: Any, default: bool) -> bool:
    raw = _cell_text(value).lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise DomainError(f"“{raw}”不正确，请填写“是”或“否”")


def _open(data: bytes) -> Any:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DomainError(
            "无法读取该文件：请上传 Excel 2007 及以上版本的 .xlsx 文件（可先导出台账作为模板）"
        ) from exc
    return book.worksheets[0]


def _header(row: tuple[Any, ...]) -> dict[str, int]:
    names = [_cell_text(v) for v in row]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in index:
            raise ImportRefused([RowError(1, name, "表头中该列重复")])
        if name:
            index[name] = i
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise ImportRefused(
            [RowError(1, name, "缺少该列（请使用导出的台账作为模板）") for name in missing]
        )
    return index


_BAD = object()  # a cell that failed its check (the error is already recorded)
_KEEP = object()  # a column the file does not have: keep what the register says


class _Row:
    """One data row: reads cells by column name, records each bad one with its place."""

    def __init__(
        self, ctx: _Context, number: int, cells: tuple[Any, ...], index: dict[str, int]
    ) -> None:
        self.ctx, self.number, self.cells, self.index = ctx, number, cells, index

    def raw(self, column: str) -> Any:
        i = self.index.get(column)
        if i is None:
            return _KEEP
        return self.cells[i] if i < len(self.cells) else None

    def get(self, column: str, parse: Any) -> Any:
        value = self.raw(column)
        if value is _KEEP:
            return _KEEP
        try:
            return parse(value)
        except DomainError as exc:
            self.ctx.errors.append(RowError(self.number, column, exc.message))
            return _BAD


def _text(max_length: int, what: str, required: bool = False) -> Any:
    def parse(value: Any) -> str:
        text = _cell_text(value)
        if required and not text:
            raise DomainError(f"请填写{what}")
        if len(text) > max_length:
            raise DomainError(f"不能超过 {max_length} 个字")
        return text

    return parse


def _value(value: Any) -> Decimal:
    if _cell_text(value) == "":
        raise DomainError("请填写原值")
    return money(value, "原值")


def _parsers(ctx: _Context) -> dict[str, Any]:
    def department(value: Any) -> Department | None:
        name = _cell_text(value)
        if name and name not in ctx.departments:
            raise DomainError(f"本单位没有名为“{name}”的启用中部门")
        return ctx.departments.get(name) if name else None

    def custodian(value: Any) -> User | None:
        name = _cell_text(value)
        if name and name not in ctx.people:
            raise DomainError(f"本单位没有用户名为“{name}”的在职人员")
        return ctx.people.get(name) if name else None

    def purchase_date(value: Any) -> date:
        day = parse_date(value)
        if day > ctx.today:
            raise DomainError("购置日期不能晚于今天")
        return day

    return {
        "asset_number": ("资产编号", lambda v: clean_asset_number(_cell_text(v))),
        "category": ("设备类别", parse_category),
        "model": ("品牌型号", _text(120, "品牌型号", required=True)),
        "purchase_date": ("购置日期", purchase_date),
        "purchase_value": ("原值（元）", _value),
        "serial_number": ("序列号", _text(120, "序列号")),
        "department": ("使用部门", department),
        "custodian": ("保管人用户名", custodian),
        "location": ("存放地点", _text(120, "存放地点")),
        "is_oa_equipment": ("办公自动化专用", lambda v: parse_bool(v, True)),
        "note": ("备注", _text(300, "备注")),
    }


def _read_row(
    ctx: _Context, row: _Row, parsers: dict[str, Any], seen: dict[str, int]
) -> dict[str, Any] | None:
    values = {key: row.get(column, parse) for key, (column, parse) in parsers.items()}
    number = values["asset_number"]
    if isinstance(number, str):
        if number in seen:
            ctx.errors.append(
                RowError(row.number, "资产编号", f"资产编号 {number} 与第 {seen[number]} 行重复")
            )
            return None
        seen[number] = row.number
    if any(v is _BAD for v in values.values()):
        return None
    return values


_CUSTODY = ("department", "custodian", "location")
_FACTS = (
    "category",
    "model",
    "purchase_date",
    "purchase_value",
    "serial_number",
    "is_oa_equipment",
    "note",
)
_NEW_DEFAULTS = {
    "serial_number": "",
    "department": None,
    "custodian": None,
    "location": "",
    "is_oa_equipment": True,
    "note": "",
}


def _check_custody_change(ctx: _Context, number: int, asset: Asset, values: dict[str, Any]) -> bool:
    """True when the row moves the asset; a move of an asset that is away is a row error."""
    moved = any(values[k] is not _KEEP and values[k] != getattr(asset, k) for k in _CUSTODY)
    if moved and asset.status not in (S.IN_USE, S.IN_STOCK):
        ctx.errors.append(
            RowError(
                number,
                "使用部门",
                f"设备{asset.get_status_display()}，不能通过导入调配（请在设备页面办理）",
            )
        )
    return moved


def _new_asset(ctx: _Context, actor: User, values: dict[str, Any]) -> Asset:
    data = {k: (_NEW_DEFAULTS[k] if v is _KEEP else v) for k, v in values.items()}
    assigned = data["department"] is not None or data["custodian"] is not None
    return Asset(
        unit_id=ctx.unit_id, created_by=actor, status=S.IN_USE if assigned else S.IN_STOCK, **data
    )


def _apply_update(asset: Asset, values: dict[str, Any]) -> bool:
    changed = False
    for key in (*_FACTS, *_CUSTODY):
        value = values[key]
        if value is not _KEEP and getattr(asset, key) != value:
            setattr(asset, key, value)
            changed = True
    if values["department"] is not _KEEP or values["custodian"] is not _KEEP:
        assigned = asset.department_id is not None or asset.custodian_id is not None
        target = S.IN_USE if assigned else S.IN_STOCK
        if asset.status in (S.IN_USE, S.IN_STOCK) and asset.status != target:
            asset.move_to(target)
    return changed


def _context(actor: User) -> _Context:
    departments = {
        d.name: d for d in Department.objects.filter(unit_id=actor.unit_id, is_active=True)
    }
    people = {
        p.username: p for p in User.objects.filter(unit_id=actor.unit_id, status=User.Status.ACTIVE)
    }
    locked = (
        Asset.objects.select_for_update(of=("self",))
        .select_related("department", "custodian")
        .filter(unit_id=actor.unit_id)
    )
    existing = {a.asset_number: a for a in locked}
    return _Context(actor.unit_id, departments, people, existing, timezone.localdate())


def _scan(data: bytes) -> None:
    # S2 第九条: media from outside are virus-checked before use; the file is never stored.
    try:
        verdict = scan.scan_bytes(data)
    except scan.ScanUnavailable as exc:
        raise DomainError("病毒扫描服务暂不可用，暂不能导入，请稍后再试或联系系统管理员") from exc
    except scan.ScanTooLarge as exc:
        raise TooLarge("文件超过病毒扫描的大小上限，不能导入") from exc
    if not verdict.clean:
        raise DomainError(f"文件未通过病毒扫描（{verdict.signature}），已拒绝导入")


def _rows(data: bytes) -> tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]]:
    sheet = _open(data)
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        raise DomainError("文件是空的：第一行应为表头（可先导出台账作为模板）")
    index = _header(first)
    body: list[tuple[int, tuple[Any, ...]]] = []
    for number, cells in enumerate(rows, start=2):
        if all(_cell_text(c) == "" for c in cells):
            continue  # blank lines in a spreadsheet are harmless
        body.append((number, cells))
        if len(body) > MAX_ROWS:
            raise DomainError(f"一次最多导入 {MAX_ROWS} 行，请分批导入")
    if not body:
        raise DomainError("文件中没有数据行")
    return index, body


def register_import(*, actor: User, data: bytes) -> ImportResult:
    """Create and update the actor's unit register from an .xlsx file: all rows or none."""
    require_office(actor, actor.unit_id)
    if len(data) > MAX_BYTES:
        raise TooLarge(f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB")
    _scan(data)
    index, body = _rows(data)
    try:
        with transaction.atomic():
            return _import(actor, index, body)
    except IntegrityError as exc:  # another import or a click took a number meanwhile
        raise Conflict("导入时台账被他人同时修改，导入未执行，请重新导入") from exc


def _import(
    actor: User, index: dict[str, int], body: list[tuple[int, tuple[Any, ...]]]
) -> ImportResult:
    ctx = _context(actor)
    parsers = _parsers(ctx)
    seen: dict[str, int] = {}
    plan: list[tuple[int, dict[str, Any]]] = []
    for number, cells in body:
        values = _read_row(ctx, _Row(ctx, number, cells, index), parsers, seen)
        if values is not None:
            plan.append((number, values))
    for number, values in plan:
        asset = ctx.existing.get(values["asset_number"])
        if asset is not None:
            _check_custody_change(ctx, number, asset, values)
    if ctx.errors:
        raise ImportRefused(ctx.errors)
    return _write(actor, ctx, [values for _, values in plan])


def _write(actor: User, ctx: _Context, plan: list[dict[str, Any]]) -> ImportResult:
    result, moves, now = ImportResult(), [], timezone.now()
    for values in plan:
        asset = ctx.existing.get(values["asset_number"])
        if asset is None:
            asset = _new_asset(ctx, actor, values)
            asset.save()
            result.created += 1
            moves.append(_move(asset, actor, now, AssetMove.Kind.REGISTER, {}, "Excel 导入登记"))
        else:
            before = custody(asset)
            if not _apply_update(asset, values):
                result.unchanged += 1
                continue
            asset.save()
            result.updated += 1
            if before != custody(asset):
                moves.append(
                    _move(asset, actor, now, AssetMove.Kind.IMPORT, before, "Excel 导入更新")
                )
        result.numbers.append(asset.asset_number)
    AssetMove.objects.bulk_create(moves)
    audit_record(
        actor=actor,
        action="asset.imported",
        unit=actor.unit,
        details={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "asset_numbers": result.numbers[:200],
        },
    )
    return result


def _move(
    asset: Asset, actor: User, now: datetime, kind: str, before: dict[str, Any], reason: str
) -> AssetMove:
    return AssetMove(
        asset=asset,
        kind=kind,
        reason=reason,
        moved_by=actor,
        moved_at=now,
        from_department_id=before.get("department_id"),
        to_department_id=asset.department_id,
        from_custodian_id=before.get("custodian_id"),
        to_custodian_id=asset.custodian_id,
        from_location=before.get("location", ""),
        to_location=asset.location,
    )
