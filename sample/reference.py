"""Writes the sample corpus's human texts (``kind == "human"`` in texts.py, the ground truth) as JSON Lines.

They are the known-human text (``--known-human``) of the README's report picture: the report then asks whether the
documents the pipeline labelled human keep the diversity of all human texts of the corpus. Usage:
``python sample/reference.py OUT``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from texts import HUMAN  # run as a script, so texts.py beside it imports as a top-level module


def main(out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = ({"id": d["key"], "text": d["text"], "url": d["url"], "date": d["date"]} for d in HUMAN)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
