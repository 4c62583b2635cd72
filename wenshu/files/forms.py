"""Form pieces for the modules that take uploads (documents, mail, library).

``UploadField`` refuses a file that is too large or of a type not allowed while the form is
validated, so the page keeps what was typed; the full checks (virus scan, type by content,
密级标志) run in services.file_ingest, called by the module's service or view:

    if form.is_valid():
        uploads = ingest_form_files(form, "attachments", actor=request.user, purpose="mail")
        if uploads is not None:
            ...  # call your service with the uploads
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from wenshu.files import pipeline
from wenshu.files.models import Upload
from wenshu.files.services import file_ingest_many
from wenshu.lib.errors import DomainError


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """One file; ``max_bytes`` and ``allowed_types`` as in file_ingest."""

    def __init__(
        self,
        *,
        max_bytes: int | None = None,
        allowed_types: Collection[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_bytes = max_bytes
        self.allowed_types = pipeline.normalise_allowed(allowed_types)
        # A hint for the browser's file chooser; the server checks regardless.
        accept = ",".join(f".{ext}" for ext in sorted(self.allowed_types))
        self.widget.attrs.setdefault("accept", accept)

    @property
    def limit(self) -> int:
        return min(self.max_bytes or settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_BYTES)

    def clean(self, data: Any, initial: Any = None) -> Any:
        uploaded = super().clean(data, initial)
        if isinstance(uploaded, UploadedFile):
            self.precheck(uploaded)
        return uploaded

    def precheck(self, uploaded: UploadedFile) -> None:
        try:
            pipeline.check_limit(uploaded.name or "", uploaded.size or 0, self.limit)
            pipeline.check_suffix(uploaded.name or "", self.allowed_types)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class MultiUploadField(UploadField):
    """Several files in one input; cleans to a list (empty when none and not required)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        items = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            super().clean(None, initial)  # refuses when the field is required
            return []
        return [super(MultiUploadField, self).clean(item, initial) for item in items]


def ingest_form_files(
    form: forms.Form,
    field: str,
    *,
    actor: Any,
    purpose: str = "",
    check_classification: bool = True,
) -> list[Upload] | None:
    """Run file_ingest_many on a validated form's UploadField/MultiUploadField.

    Returns the uploads ([] when no file was chosen), or None after putting the refusal on
    the field: the form re-renders with its message and keeps what was typed."""
    value = form.cleaned_data.get(field)
    files = [f for f in (value if isinstance(value, list) else [value]) if f]
    if not files:
        return []
    spec = form.fields[field]
    try:
        return file_ingest_many(
            actor=actor,
            files=[(f.name, f) for f in files],
            purpose=purpose,
            max_bytes=getattr(spec, "max_bytes", None),
            allowed_types=getattr(spec, "allowed_types", None),
            check_classification=check_classification,
        )
    except DomainError as exc:
        form.add_error(field, exc.message)
        return None
