"""Every setting is documented: the README's configuration table names each variable.

The table is generated from the settings models themselves (and the ``okra`` flags
that set the same fields), so it stays complete and true:

    .venv/bin/python -m tests.unit.test_configuration     # prints the Markdown table
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from typer.main import get_command

from gateway.audit_settings import AuditSettings
from gateway.cli import cli
from gateway.settings import Settings

README = Path(__file__).parents[2] / "README.md"
# CLI options whose name differs from the field they set.
FLAG_FIELDS = {"schema": "database_schema"}


def flags() -> dict[str, list[str]]:
    """The ``okra`` options that set each settings field, e.g. data_dir: --data-dir."""
    found: dict[str, list[str]] = {}
    group: Any = get_command(cli)
    for command in group.commands.values():
        for param in command.params:
            if param.param_type_name != "option" or param.name is None:
                continue
            field = FLAG_FIELDS.get(param.name, param.name)
            if field in Settings.model_fields:
                spelled = "/".join([*param.opts, *param.secondary_opts])
                if spelled not in found.setdefault(field, []):
                    found[field].append(spelled)
    return found


def shown(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def rows() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting, the audit's thresholds included."""
    by_flag = flags()
    table: list[tuple[str, str, str]] = []

    def add(prefix: str, name: str, field: FieldInfo) -> None:
        meaning = (field.description or "").strip()
        options = by_flag.get(name, []) if prefix == "OKRA_" else []
        if options:
            meaning += " (" + ", ".join(f"`{o}`" for o in options) + ")"
        table.append((f"{prefix}{name.upper()}", shown(field.get_default()), meaning))

    for name, field in Settings.model_fields.items():
        if name != "audit":
            add("OKRA_", name, field)
    for name, field in AuditSettings.model_fields.items():
        add("OKRA_AUDIT_", name, field)
    return table


def markdown() -> str:
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    lines += [f"| `{name}` | `{default}` | {meaning} |" for name, default, meaning in rows()]
    return "\n".join(lines)


def test_every_setting_has_a_description_and_the_readme_names_it() -> None:
    assert [name for name, _, meaning in rows() if not meaning] == []
    readme = README.read_text()
    missing = [name for name, _, _ in rows() if f"`{name}`" not in readme]
    assert missing == [], (
        "README.md's configuration table lacks these; regenerate it with "
        "`.venv/bin/python -m tests.unit.test_configuration`"
    )


def test_the_table_names_the_flags_that_set_a_field() -> None:
    table = {name: meaning for name, _, meaning in rows()}
    assert "`--data-dir`" in table["OKRA_DATA_DIR"]
    assert "`--schema`" in table["OKRA_DATABASE_SCHEMA"]
    assert "`--projector/--no-projector`" in table["OKRA_PROJECTOR"]
    assert "`--batch-size`" in table["OKRA_BATCH_SIZE"]


if __name__ == "__main__":
    print(markdown())
