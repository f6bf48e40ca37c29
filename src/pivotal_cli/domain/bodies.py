"""Request bodies from flags and `--data`, validated before anything is sent.

`--data` (JSON, @file or -) lets a user send any field the API accepts, including
ones it adds after this release; explicit flags win over it. The merged body is
checked against the write models so a bad value fails locally, naming the flag.
"""

from __future__ import annotations

from typing import Any

from pivotal_cli.errors import UsageError

# Fields whose flag is not simply `--field-name`.
FLAG_NAMES = {
    "target_launch_date": "--target-launch",
    "template_id": "--template",
    "csm_id": "--csm",
    "se_id": "--se",
    "designer_id": "--designer",
    "product_ops_id": "--product-ops",
    "reminder_frequency_days": "--reminder-every",
    "is_primary": "--primary",
    "labels": "--label",
    "customer_id": "--customer",
}


def flag_for(field: str) -> str:
    return FLAG_NAMES.get(field, "--" + field.replace("_", "-"))


def build(
    model: type[Any],
    flags: dict[str, Any],
    data: str | None,
    *,
    require_change: bool = False,
) -> dict[str, Any]:
    """Merge `--data` and the explicit flags (flags win); validate; return the body."""
    from pydantic import ValidationError

    from pivotal_cli.domain.validate import load_json_body

    body = load_json_body(data) if data is not None else {}
    body.update({k: v for k, v in flags.items() if v is not None})
    if require_change and not body:
        raise UsageError(
            "Nothing to change.", hint="Pass at least one flag, or --data with a JSON body."
        )
    try:
        checked = model.model_validate(body)
    except ValidationError as exc:
        raise UsageError(_describe(exc)) from None
    result: dict[str, Any] = checked.model_dump(exclude_unset=True)
    return result


def _describe(exc: Any) -> str:
    first = exc.errors()[0]
    location = [str(part) for part in first.get("loc", ())]
    field = location[0] if location else ""
    message = str(first.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if first.get("type") == "missing":
        return f"{flag_for(field)} is required (or give `{field}` in --data)."
    path = ".".join(location)
    more = len(exc.errors()) - 1
    tail = f" ({more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{flag_for(field)}: {message} (field {path}){tail}."
