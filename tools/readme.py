"""The manual's command reference (docs/reference.md), generated from the help itself by cog (`make reference`);
a test runs `cog --check` so that the page and the help cannot drift apart. English, 80 columns (Click's test
runner)."""

from __future__ import annotations

import os


def commands() -> list[list[str]]:
    """Every command path, the groups before their commands, in the order `steg2 --help` lists them."""
    import typer.main

    from steg2cli import cli

    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        names = command.list_commands(None) if hasattr(command, "list_commands") else []  # type: ignore[attr-defined]
        for name in names:
            walk(command.get_command(None, name), [*path, name])  # type: ignore[attr-defined]

    walk(typer.main.get_command(cli.app), [])
    return found


def reference() -> str:
    """Markdown: each command's `--help`, as it prints in English on an 80-column terminal."""
    os.environ["STEG2_LANG"] = "en"
    from typer.testing import CliRunner

    from steg2cli.cli import app

    runner = CliRunner()
    parts = []
    for path in commands():
        result = runner.invoke(app, [*path, "--help"], prog_name="steg2")
        title = " ".join(["steg2", *path])
        level = "#" * min(len(path) + 2, 4)
        parts.append(f"{level} {title}\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference())
