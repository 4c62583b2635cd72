"""Form fields shared by the pages of every app (no app's models are imported here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# The largest id any table can hold (SQLite INTEGER, PostgreSQL bigint).
MAX_ID = 2**63 - 1


def is_id_out_of_range(value: Any) -> bool:
    """A whole number no database id can equal (a forged form field or URL)."""
    text = str(value).strip()
    return text.lstrip("-").isdigit() and abs(int(text)) > MAX_ID


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, except that an id beyond any database integer is an invalid choice.

    Django sends the chosen ids to the database in one `IN (...)` query; SQLite raises
    OverflowError for such a number, which would be a 500 instead of a message on the form.
    """

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if is_id_out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(pk)[:40]},
                )
        return super().clean(value)
