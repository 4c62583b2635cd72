"""Plug the delegation into the workflow (the delegate sees and completes the principal's
to-dos) and name the delivery as a subject of shouwen."""

from typing import Any

from wenshu.handling.services.delegation import principals_now
from wenshu.workflow import registry


def _item_url(item: Any) -> str:
    from wenshu.handling.models import Handling

    h = Handling.objects.filter(process_id=item.instance_id).values_list("pk", flat=True).first()
    return f"/handling/{h}/" if h else f"/workflow/items/{item.pk}/"


registry.register_principals_resolver(principals_now)
registry.register_subject("exchange.delivery", label="收文", item_url=_item_url)
