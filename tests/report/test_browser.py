"""The reports as a reader sees them: headless Chromium at 1280 px and 400 px.

Renders every report of the shipped run definition and the index (built once per session
by the runner, :func:`built_reports`) in Debian's ``chromium``, driven over the DevTools
protocol (a small client on ``websocket-client``; no browser download), and checks at each
width: nothing wider than the window (wide tables scroll inside their block), every image
loaded, ``lang`` Chinese, no English status id in the visible text, no squeezed text column.
Screenshots go to ``build/browser/`` for a person to look at.

Chromium renders the CJK text with the Noto Sans CJK font the project ships (``mplfonts``),
added through a private fontconfig file, so the screenshots are readable on a machine
without Chinese fonts.  Skipped, with a message, where no Chromium is installed (CI installs
it: ``.ci/run``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from qclib.paths import PROJ_ROOT

CHROMIUM = os.environ.get("QCLIB_CHROMIUM") or next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium not found (Debian: apt-get install chromium; or set QCLIB_CHROMIUM); "
        "the browser test of the reports is skipped",
    ),
]

#: Where the screenshots are written (git-ignored).
SCREENSHOTS = PROJ_ROOT / "build" / "browser"

WIDTHS = (1280, 400)
#: Width of an A4 page's text in CSS px (210 mm less the stylesheet's 2 × 15 mm margins, 96 px per inch).
A4_TEXT_PX = round((210 - 30) / 25.4 * 96)


def _pages() -> dict[str, str]:
    """Every report of the shipped run definition, and the index: name -> path in the reports folder."""
    from qclib.batch.runner import load_run_config, plan_reports

    root = Path("reports")
    pages = {
        (f"city_{s.parameters['city']}_{s.year}" if s.kind == "city" else f"comparison_{s.year}"): str(
            s.html.relative_to(root)
        )
        for s in plan_reports(config=load_run_config(), out_dir=root)
    }
    return {**pages, "index": "index.html"}


PAGES = _pages()
ENGLISH_STATUS_IDS = re.compile(r"\b(met|not_met|on_track|off_track|no_data|not_assessable)\b")

#: What the page reports about itself (run in the page after it loaded).
PROBE = """(() => {
  const d = document.documentElement;
  const imgs = Array.from(document.images);
  const em = parseFloat(getComputedStyle(document.body).fontSize) || 16;
  const squeezed = Array.from(document.querySelectorAll('td, th'))
    .filter(c => c.getClientRects().length > 0)  // a cell not shown (a stacked table's header row on a phone)
    .filter(c => (c.innerText || '').trim().length >= 4 && c.getBoundingClientRect().width < 2.5 * em)
    .filter(c => {  // and its text wrapped: a year on one line ("2015", digits half as wide) is not squeezed
      const r = document.createRange(); r.selectNodeContents(c);
      return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size > 1;
    })
    .map(c => c.innerText.trim().slice(0, 20));
  return {
    lang: d.lang, scrollWidth: d.scrollWidth, innerWidth: window.innerWidth,
    images: imgs.length, broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt || i.src.slice(0, 40)),
    text: document.body.innerText, squeezed: squeezed.slice(0, 10),
    height: Math.ceil(Math.max(d.scrollHeight, document.body.scrollHeight)),
    tableRight: Math.max(0, ...Array.from(document.querySelectorAll('table')).map(t => t.getBoundingClientRect().right)),
  };
})()"""


class DevTools:
    """A minimal Chrome DevTools Protocol client: one headless Chromium, one page session."""

    def __init__(self, binary: str, workdir: Path) -> None:
        import websocket

        profile = workdir / "profile"
        profile.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(workdir)))
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port within 60 s")
            time.sleep(0.1)
        port, path = port_file.read_text().split()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=60, suppress_origin=True)
        self._id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)

    def call(self, method: str, session: bool = False, **params):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def wait_for(self, event: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if json.loads(self.ws.recv()).get("method") == event:
                return
        raise TimeoutError(event)

    def open(self, url: str, width: int, media: str = "") -> dict:
        """Load ``url`` in a window ``width`` px wide (``media="print"``: as printed); return its :data:`PROBE`."""
        self.call("Emulation.setEmulatedMedia", session=True, media=media)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        res = self.call("Runtime.evaluate", session=True, expression=PROBE, returnByValue=True, awaitPromise=True)
        return res["result"]["value"]

    def screenshot(self, path: Path, width: int, height: int) -> None:
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1}
        data = self.call("Page.captureScreenshot", session=True, format="png", clip=clip, captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(data["data"]))

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _fontconfig(workdir: Path) -> Path:
    """A fontconfig file: the system's fonts plus the CJK fonts shipped by ``mplfonts``."""
    from qclib.report.style import cjk_font_path

    conf = workdir / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{cjk_font_path().parent}</dir>\n  <cachedir>{workdir / 'fontcache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


@pytest.fixture(scope="module")
def rendered(built_reports, tmp_path_factory) -> dict:
    """(page, width) → the page's probe; screenshots written to :data:`SCREENSHOTS`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser = DevTools(CHROMIUM, tmp_path_factory.mktemp("chromium"))
    out = {}
    try:
        for name, rel in PAGES.items():
            url = (built_reports / rel).resolve().as_uri()
            for width in WIDTHS:
                probe = browser.open(url, width)
                browser.screenshot(SCREENSHOTS / f"{name}_{width}.png", width, probe["height"])
                out[(name, width)] = probe
        url = (built_reports / PAGES["city_zhengzhou_2015"]).resolve().as_uri()
        probe = browser.open(url, A4_TEXT_PX, media="print")
        browser.screenshot(SCREENSHOTS / "city_zhengzhou_2015_print.png", A4_TEXT_PX, probe["height"])
        out[("city_zhengzhou_2015", "print")] = probe
    finally:
        browser.close()
    return out


CASES = [(name, width) for name in PAGES for width in WIDTHS]


@pytest.mark.parametrize("page, width", CASES)
def test_lang_is_chinese(rendered, page, width):
    assert rendered[(page, width)]["lang"].startswith("zh")


@pytest.mark.parametrize("page, width", CASES)
def test_nothing_wider_than_the_window(rendered, page, width):
    p = rendered[(page, width)]
    assert p["scrollWidth"] <= p["innerWidth"], f"{page} is {p['scrollWidth']} px wide in a {width} px window"


@pytest.mark.parametrize("page, width", CASES)
def test_every_image_loaded(rendered, page, width):
    p = rendered[(page, width)]
    assert not p["broken"], f"images not loaded: {p['broken']}"
    if page.startswith("city_zhengzhou"):
        assert p["images"] > 0, "the Zhengzhou reports have charts"


@pytest.mark.parametrize("page, width", CASES)
def test_no_squeezed_text_column(rendered, page, width):
    assert not rendered[(page, width)]["squeezed"], "cells narrower than 2.5 characters"


@pytest.mark.parametrize(
    "page, width",
    CASES,
)
def test_no_english_status_ids_in_the_visible_text(rendered, page, width):
    found = sorted(set(ENGLISH_STATUS_IDS.findall(rendered[(page, width)]["text"])))
    assert not found, f"English status ids visible: {found}"


def test_printed_report_fits_the_a4_page(rendered):
    p = rendered[("city_zhengzhou_2015", "print")]
    assert p["scrollWidth"] <= p["innerWidth"] == A4_TEXT_PX, f"printed, the report is {p['scrollWidth']} px wide"
    assert p["tableRight"] <= A4_TEXT_PX + 1, (
        f"printed, a table ends at {p['tableRight']:.0f} px: cut off (paper does not scroll)"
    )
    assert not p["squeezed"], "printed cells narrower than 2.5 characters"


def test_screenshots_written_for_a_person_to_look_at(rendered):
    shots = sorted(p.name for p in SCREENSHOTS.glob("*.png"))
    assert {f"{n}_{w}.png" for n, w in CASES} <= set(shots)
