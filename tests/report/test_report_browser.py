"""The report opens in headless Chromium: every section is in the rendered DOM and the screenshot is not blank.

Chromium is driven directly (``--dump-dom``, ``--screenshot``): no WebDriver session is needed for a static page.
"""

import shutil
import struct
import subprocess
import zlib

import pytest

from synthsieve.report.html import SECTIONS
from synthsieve.report.settings import ReportSettings
from synthsieve.report.write import write_report

from builders import SAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make test installs Debian's chromium where apt-get can)"
)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def _chromium(tmp_path, *args) -> str:
    profile = f"--user-data-dir={tmp_path / 'profile'}"
    proc = subprocess.run([CHROMIUM, *FLAGS, profile, *args], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def _png(path) -> tuple[int, int, int]:
    """Width, height and the number of distinct bytes in the decompressed image data (a blank page has few)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
        idat += data[pos + 8 : pos + 8 + length] if kind == b"IDAT" else b""
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


def test_report_renders_every_section_in_chromium(sample_out, tmp_path):
    html, _, _ = write_report(str(sample_out), str(SAMPLE / "*"), [], tmp_path / "report.html", ReportSettings())
    dom = _chromium(tmp_path, "--dump-dom", html.as_uri())
    assert [s for s in SECTIONS if f'<section id="{s}">' not in dom] == []
    assert dom.count("<svg") == 8 and "label=synthetic" in dom
    shot, blank = tmp_path / "report.png", tmp_path / "blank.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", html.as_uri())
    empty = tmp_path / "empty.html"
    empty.write_text("<!DOCTYPE html><html><body></body></html>")
    _chromium(tmp_path, f"--screenshot={blank}", "--window-size=1200,1600", empty.as_uri())
    width, height, variety = _png(shot)
    assert (width, height) == (1200, 1600)
    assert variety > 4 * _png(blank)[2]
