"""Screenshots for the README, taken from the demo content: `make screenshots`.

Serves the demo briefings with production settings under gunicorn (as the benchmarks
do), opens them in headless Chromium at desktop and phone sizes, logs an editor into
the admin for the writing screen, and writes docs/screenshots/*.jpg. Run it again after
changing how pages look, so the pictures stay true.
"""

import sys
import tempfile
from pathlib import Path
from shutil import which

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from run import bench_env, manage, serve  # noqa: E402  (bench/ is not a package)

OUT = PROJECT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
DESKTOP, PHONE = {"width": 1280, "height": 860}, {"width": 390, "height": 844}
PAGES = {
    "home": "/",
    "briefing": "/briefings/from-kazan-to-beijing/",
    "tag-filter": "/tags/border-talks+lac/",
}
EDITOR = ("screenshots-editor", "a long screenshot passphrase 42")
MAKE_EDITOR = f"""
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser({EDITOR[0]!r}, "", {EDITOR[1]!r}, first_name="Asha",
                                          last_name="Rao")
"""


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefings-screenshots-") as folder:
        folder = Path(folder)
        env = bench_env(folder, f"sqlite:///{folder / 'site.sqlite3'}")
        for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"],
                        ["load_demo"], ["shell", "-c", MAKE_EDITOR]):  # fmt: skip
            manage(env, *command)
        with serve("bench.media_wsgi", env, PROJECT) as port, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=which("chromium"),
                                                 args=CHROMIUM_ARGS)  # fmt: skip
            site = f"http://127.0.0.1:{port}"
            for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page = browser.new_page(viewport=size, device_scale_factor=1)
                for name, path in PAGES.items():
                    page.goto(site + path)
                    shoot(page, f"{name}-{size_name}")
                page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"{site}/admin/login/?next=/admin/briefings/briefing/")
            page.fill("#id_username", EDITOR[0])
            page.fill("#id_password", EDITOR[1])
            page.click("input[type=submit]")
            page.get_by_role("link", name="From Kazan to Beijing: how the thaw took shape").click()
            page.wait_for_load_state()  # the whole screen, its side column included
            shoot(page, "admin-writing")
            page.get_by_role("button", name="Preview the page").click()
            frame = page.frame_locator("iframe[name=page-preview]")
            frame.get_by_role("heading", level=1).wait_for()
            page.locator("#page-preview").scroll_into_view_if_needed()
            shoot(page, "admin-preview")
            browser.close()


def shoot(page, name):
    path = OUT / f"{name}.jpg"
    page.screenshot(path=path, type="jpeg", quality=80)
    print(path.relative_to(PROJECT))


if __name__ == "__main__":
    main()
