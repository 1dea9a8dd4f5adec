"""Headless Chromium for the browser tests: Debian's build, never a downloaded one."""

import shutil

import pytest

from tests.helpers import PROJECT, require_tool

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = require_tool(
        shutil.which("chromium"),
        "Chromium is not installed, so the browser tests are skipped. To run them: "
        "sudo apt-get install chromium (Debian/Ubuntu), then make test.",
    )
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def axe_script():
    return require_tool(
        AXE if AXE.exists() else None,
        "axe-core is not installed, so accessibility checks are skipped. To run them: "
        "install Node.js and npm, then make test (it runs npm ci).",
    )


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in the test thread; the ORM calls made
    # there (the test database set-up included) are still synchronous and safe.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield
