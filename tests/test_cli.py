"""The juesuan command: help everywhere, documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["ingest", "--help"], ["build", "-h"]])
def test_help(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert "Usage:" in result.output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_an_example_and_is_in_the_readme(command):
    help_text = cli.commands[command].help
    assert "Example:" in help_text
    assert f"juesuan {command}" in README


def test_readme_shows_the_two_commands_first():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make build" in first_block and "make test" in first_block
