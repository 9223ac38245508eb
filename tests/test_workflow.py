"""The maintainers' routine: configuration, several targets, check --diff, versions and changelog, templates, output."""

from __future__ import annotations

import io
import os
import re
import json
import shutil
import textwrap
from pathlib import Path

import pytest

from generator.cli import _Progress
from generator.config import ConfigError, load_config
from generator.render.release import bumped
from generator.target import DEFAULT_TARGET
from tests.conftest import ROOT, SEED, SEED_OVERLAY

SUMMARY = "      summary: Find calls"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A maintainer's project: the seed and its overlay in spec/, two targets, the working folder set to it."""
    (tmp_path / "spec").mkdir()
    shutil.copy(SEED, tmp_path / "spec" / "api.yaml")
    shutil.copy(SEED_OVERLAY, tmp_path / "spec" / "api.overlay.yaml")
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""\
        [project]
        name = "maintainers-project"

        [[tool.swagger2-client.targets]]
        name = "main"
        spec = "spec/api.yaml"
        overlays = ["spec/api.overlay.yaml"]
        output = "clients/main"
        package = "main_client"
        client-class = "Main"
        version = "bump"

        [[tool.swagger2-client.targets]]
        name = "raw"
        spec = "spec/api.yaml"
        output = "clients/raw"
        package = "raw_client"
        env-prefix = "RAW"
        """))
    monkeypatch.chdir(tmp_path / "spec")  # the configuration is found from a subfolder too
    return tmp_path


def test_the_repository_configures_the_callfire_default() -> None:
    config = load_config(ROOT / "pyproject.toml")
    assert config.targets == (DEFAULT_TARGET,)


def test_no_arguments_regenerates_every_configured_target(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli()
    assert result.code == 0, result.err
    assert (project / "clients/main/main_client/_client.py").is_file()
    assert (project / "clients/raw/raw_client/_client.py").is_file()
    assert "RAW_BASE_URL" in (project / "clients/raw/README.md").read_text()
    assert "class Main(" in (project / "clients/main/main_client/_client.py").read_text()


def test_target_selects_one(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("--target", "raw").code == 0
    assert (project / "clients/raw").is_dir() and not (project / "clients/main").exists()
    result = cli("--target", "nope")
    assert (
        result.code == 2
        and "no target named 'nope'" in result.err
        and "'main', 'raw'" in result.err
    )


def test_command_line_flags_override_the_configuration(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = project / "elsewhere"
    result = cli(
        "generate", "--target", "main", "-o", out, "--client-class", "Flagged", "--version", "9.1.0"
    )
    assert result.code == 0, result.err
    client = (
        out / "main_client/_client.py"
    ).read_text()  # the package still comes from the configuration
    assert "class Flagged(" in client and "class Main(" not in client
    assert json.loads((out / "manifest.json").read_text())["package_version"] == "9.1.0"
    assert not (project / "clients/main").exists()


def test_a_config_given_explicitly_may_hold_the_keys_at_the_top_level(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "clients.toml"
    config.write_text(f'[[targets]]\nspec = "{SEED}"\noutput = "out"\npackage = "top_client"\n')
    result = cli("--config", config)
    assert result.code == 0, result.err
    assert (
        tmp_path / "out/top_client"
    ).is_dir()  # output is relative to the file, named after it by default
    assert load_config(config).targets[0].name == "out"


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[tool.swagger2-client.targets]]\nspec = "a.yaml"\n', "targets[0] needs 'output'"),
        (
            '[[tool.swagger2-client.targets]]\nspec = "a.yaml"\noutput = "o"\npakage = "x"\n',
            "unknown key 'pakage'",
        ),
        (
            '[[tool.swagger2-client.targets]]\nspec = "a.yaml"\noutput = "o"\npackage = "a b"\n',
            "package 'a b' must be",
        ),
        (
            '[[tool.swagger2-client.targets]]\nspec = "a.yaml"\noutput = "o"\noverlays = "x.yaml"\n',
            "must be a list",
        ),
        (
            '[[tool.swagger2-client.targets]]\nspec = "a.yaml"\noutput = "o"\nversion = "soon"\n',
            "must be spec, bump",
        ),
        ("[tool.swagger2-client\n", "not valid TOML"),
    ],
)
def test_a_broken_configuration_is_a_usage_error_that_names_the_key(tmp_path: Path, cli, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(tmp_path / "pyproject.toml")
    result = cli("--config", tmp_path / "pyproject.toml")
    assert (
        result.code == 2 and message.split("'")[0] in result.err and "Traceback" not in result.err
    )


def test_without_a_configuration_the_default_command_says_what_to_add(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli()
    assert result.code == 2 and "[[tool.swagger2-client.targets]]" in result.err


def test_check_is_0_when_current_1_when_stale_and_diff_shows_why(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli().code == 0
    result = cli("check")
    assert (
        result.code == 0
        and "main/ is up to date" in result.err
        and "raw/ is up to date" in result.err
    )
    spec = project / "spec/api.yaml"
    spec.write_text(spec.read_text().replace(SUMMARY, "      summary: Find every call"))
    result = cli("check", "--target", "main", "--diff")
    assert result.code == 1 and "stale: main/main_client/resources/calls.py" in result.err
    assert (
        "--- a/main_client/resources/calls.py\n+++ b/main_client/resources/calls.py\n" in result.out
    )
    assert '-        """Find calls' in result.out and '+        """Find every call' in result.out
    assert "+## 1.0.1" in result.out  # the changelog entry regenerating would add
    assert cli("check", "--target", "main").out == ""  # without --diff, nothing on stdout


def test_a_spec_change_adds_a_changelog_entry_and_bumps_the_version(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("--target", "main").code == 0
    main = project / "clients/main"
    first = (main / "CHANGELOG.md").read_text()
    assert "## 1.0.0\n\nFirst generated" in first
    assert (
        cli("--target", "main").code == 0 and (main / "CHANGELOG.md").read_text() == first
    )  # no change, no entry
    spec = project / "spec/api.yaml"
    text = spec.read_text().replace(SUMMARY, "      summary: Find every call")
    spec.write_text(text)
    assert cli("--target", "main").code == 0
    second = (main / "CHANGELOG.md").read_text()
    assert (
        "## 1.0.1\n\nFrom info.version '1.0.0'; version bump: patch.\n\n### Documentation (1)"
        in second
    )
    assert "`client.calls.find_calls()`" in second and "summary changed" in second
    assert second.index("## 1.0.1") < second.index("## 1.0.0")  # newest first
    assert 'version = "1.0.1"' in (main / "pyproject.toml").read_text()
    # Removing an operation is breaking: the next version is a major one.
    start = text.index("  /calls:\n")
    spec.write_text(text[:start] + text[text.index("  /calls/broadcasts:\n") :])
    assert cli("--target", "main").code == 0
    third = (main / "CHANGELOG.md").read_text()
    assert "## 2.0.0\n\nFrom info.version '1.0.0'; version bump: major.\n\n### Breaking" in third
    assert (
        "operation removed" in third
        and 'version = "2.0.0"' in (main / "pyproject.toml").read_text()
    )
    assert (
        cli("check", "--target", "main").code == 0
    )  # the changelog carried over is what check expects


def test_the_spec_version_rule_follows_info_version(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("--target", "raw").code == 0
    spec = project / "spec/api.yaml"
    spec.write_text(spec.read_text().replace("  version: 1.0.0", "  version: V2.3", 1))
    assert cli("--target", "raw").code == 0
    assert (
        json.loads((project / "clients/raw/manifest.json").read_text())["package_version"] == "2.3"
    )
    assert "## 2.3\n" in (project / "clients/raw/CHANGELOG.md").read_text()


@pytest.mark.parametrize(
    "version, level, expected",
    [
        ("1.2.3", "major", "2.0.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("1.2.3", "none", "1.2.4"),
        ("2", "minor", "2.1.0"),
        ("2019.4.15", "major", "2020.0.0"),
    ],
)
def test_bumped(version: str, level: str, expected: str) -> None:
    assert bumped(version, level) == expected


def test_custom_templates_replace_built_in_ones_by_name(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    custom = project / "my-templates" / "project"
    custom.mkdir(parents=True)
    (custom / "README.md.jinja").write_text("# {{ c.names.distribution }}, our way\n")
    result = cli("generate", "--target", "raw", "--templates", project / "my-templates")
    assert result.code == 0, result.err
    assert (project / "clients/raw/README.md").read_text() == "# raw-client, our way\n"
    assert (
        "class RawClientModel" not in (project / "clients/raw/raw_client/_client.py").read_text()
    )  # the rest is built in
    (custom / "README.md.jinja").write_text("{{ c.no_such_thing }}\n")
    result = cli("generate", "--target", "raw", "--templates", project / "my-templates")
    assert result.code == 1 and "template-error" in result.err and "README.md.jinja" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("name", "planted", "why"),
    [
        ("project/README.md.jinja", "link out", "leads out of its templates folder"),
        ("runtime/_client.py", "link out", "leads out of its templates folder"),
        ("project/README.md.jinja", "fifo", "not a regular file"),
        ("project/README.md.jinja", "{{ cycler.__init__.__globals__.os.environ }}", "unsafe"),
        ("project/README.md.jinja", "{{ c.__class__.__mro__ }}", "unsafe"),
    ],
)
def test_a_custom_template_reads_no_secret(  # type: ignore[no-untyped-def]
    project: Path, cli, monkeypatch: pytest.MonkeyPatch, name: str, planted: str, why: str
) -> None:
    # The folder may come from a pull request: a link to a secret, a FIFO that would make the
    # read wait, or Jinja reaching Python's internals would each print or leak the environment.
    monkeypatch.setenv("CI_SECRET", "s3cret-token")
    secret = project.parent / "secret.txt"
    secret.write_text("s3cret-token\n")
    custom = project / "my-templates"
    (custom / name).parent.mkdir(parents=True)
    if planted == "link out":
        (custom / name).symlink_to(secret)
    elif planted == "fifo":
        os.mkfifo(custom / name)
    else:
        (custom / name).write_text(planted + "\n")
    result = cli("generate", "--target", "raw", "--templates", custom)
    assert result.code == 1 and "template-error" in result.err and why in result.err
    assert name.split("/")[-1] in result.err and "Traceback" not in result.err
    assert "s3cret" not in result.err + result.out
    assert not (project / "clients/raw").exists()


def test_a_link_inside_the_templates_folder_is_followed(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    custom = project / "my-templates" / "project"
    custom.mkdir(parents=True)
    (custom / "ours.jinja").write_text("# {{ c.names.distribution }}, linked\n")
    (custom / "README.md.jinja").symlink_to(custom / "ours.jinja")
    assert cli("generate", "--target", "raw", "--templates", project / "my-templates").code == 0
    assert (project / "clients/raw/README.md").read_text() == "# raw-client, linked\n"


def test_templates_can_be_configured(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (project / "t" / "project").mkdir(parents=True)
    (project / "t" / "project" / "README.md.jinja").write_text("configured\n")
    config = project / "pyproject.toml"
    config.write_text(
        config.read_text().replace(
            '[[tool.swagger2-client.targets]]\nname = "raw"',
            '[[tool.swagger2-client.targets]]\nname = "raw"\ntemplates = ["t"]',
        )
    )
    assert cli("--target", "raw").code == 0
    assert (project / "clients/raw/README.md").read_text() == "configured\n"


def test_quiet_prints_errors_only_and_verbose_adds_infos_and_timings(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    quiet = cli("-q", "--target", "raw")
    assert quiet.code == 0 and quiet.err == ""
    normal = cli("--target", "raw")
    assert "warning[param-untyped]" in normal.err and "info" not in normal.err.split("\n")[0]
    verbose = cli("--target", "raw", "--verbose")
    assert "time: ingest" in verbose.err and "format" in verbose.err
    broken = project / "spec/broken.yaml"
    broken.write_text("swagger: '2.0'\npaths: [\n")
    failed = cli("generate", broken, "-o", project / "b", "--quiet")
    assert failed.code == 1 and "error[yaml-syntax]" in failed.err


def test_progress_is_shown_for_large_projects_only() -> None:
    stream = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stderr", stream)
        small, large = _Progress("small"), _Progress("large")
        for done in range(1, 11):
            small("formatting", done, 10)
        for done in range(1, 201):
            large("formatting", done, 200)
        small.clear()
        large.clear()
    text = stream.getvalue()
    assert "small" not in text
    assert (
        "\rlarge: formatting 10/200" in text
        and "\rlarge: formatting 200/200" in text
        and text.endswith("\x1b[K")
    )
