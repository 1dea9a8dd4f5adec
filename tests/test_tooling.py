"""Tests that need an outside tool skip without it, saying how to get it; CI fails."""

import pytest

from tests.helpers import require_tool


def test_missing_tool_skips_with_instructions(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require_tool(None, "Chromium is missing: sudo apt-get install chromium")


def test_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_tool(None, "Chromium is missing")


def test_present_tool_is_returned(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require_tool("/usr/bin/chromium", "unused") == "/usr/bin/chromium"
