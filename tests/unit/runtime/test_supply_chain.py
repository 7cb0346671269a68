"""Supply chain: the image's lock is the dev lock without the dev tools, pin for pin; the audit
wrapper tells "nothing known" from "nothing audited" (pip-audit alone reports both as clean)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEV_ONLY = ("pytest", "playwright", "ruff", "mypy", "hypothesis", "schemathesis", "testcontainers")


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def test_the_runtime_lock_pins_what_the_dev_lock_pins_without_dev_tools() -> None:
    dev, runtime = pins("requirements.lock"), pins("requirements-runtime.lock")
    assert {name: dev.get(name) for name in runtime} == runtime, "run make lock"
    assert [name for name in DEV_ONLY if name in runtime] == []
    assert {"fastapi", "pwdlib", "argon2-cffi", "itsdangerous"} <= set(runtime)


def test_the_image_installs_the_runtime_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements-runtime.lock" in dockerfile
    assert "requirements.lock " not in dockerfile


@pytest.fixture(scope="module")
def verdict() -> ModuleType:
    path = ROOT / "deploy/local/audit/verdict.py"
    spec = importlib.util.spec_from_file_location("audit_verdict", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def judge(verdict: ModuleType, tmp_path: Path, report: object, log: str = "") -> int:
    (tmp_path / "report.json").write_text("" if report is None else json.dumps(report))
    (tmp_path / "log.txt").write_text(log)
    code: int = verdict.main("pypi", str(tmp_path / "report.json"), str(tmp_path / "log.txt"))
    return code


def test_a_clean_audit_passes(
    verdict: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {"dependencies": [{"name": "jinja2", "version": "3.1.6", "vulns": []}]}
    assert judge(verdict, tmp_path, report) == 0
    assert "1 of 1 packages audited, no known vulnerabilities" in capsys.readouterr().out


def test_known_vulnerabilities_fail_and_name_the_fix(
    verdict: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vuln = {"id": "GHSA-xxxx", "fix_versions": ["3.1.5"], "aliases": [], "description": ""}
    report = {"dependencies": [{"name": "jinja2", "version": "3.1.2", "vulns": [vuln]}]}
    assert judge(verdict, tmp_path, report) == 1
    assert "jinja2 3.1.2: GHSA-xxxx (fixed in 3.1.5)" in capsys.readouterr().out


def test_an_audit_that_skipped_everything_is_not_a_pass(
    verdict: ModuleType, tmp_path: Path
) -> None:
    skipped = {
        "name": "jinja2",
        "skip_reason": "Dependency not found on PyPI and could not be audited",
    }
    assert judge(verdict, tmp_path, {"dependencies": [skipped]}) == 2


def test_an_unreachable_source_is_not_a_pass(verdict: ModuleType, tmp_path: Path) -> None:
    assert judge(verdict, tmp_path, None, "ConnectionError: name does not resolve") == 2
