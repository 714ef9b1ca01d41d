import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthsieve.detectors.gate import _CODE_LINE, _code_lines_at_most, gate, word_counts

from builders import HUMAN_TEXT, SYNTHETIC_TEXT

PROSE_WITH_LIST = (
    "Here are three reasons to service a bicycle every spring, and each one matters more than most riders think.\n"
    "1. Chains stretch over a winter of salt and grit, and a stretched chain quietly eats the cassette and the "
    "chainrings until shifting becomes unreliable.\n"
    "2. Brake pads harden with age and lose their bite in the wet, which is exactly when riders need them most "
    "on a dark commute.\n"
    "3. Tyres crack along the sidewalls when bikes stand in a cold shed, and a blowout at speed is no joke at all."
)
CODE = "\n".join(
    ["import os", "from pathlib import Path", "", "def walk(root):", "    for p in Path(root).iterdir():",
     "        if p.is_dir():", "            yield from walk(p)", "        else:", "            yield p", "",
     "class Tree:", "    def __init__(self, root):", "        self.root = root;", "    def files(self):",
     "        return list(walk(self.root))  # all files under the root directory of the tree, recursively"]
)  # fmt: skip
ROWS = [f"| 4{i} | Market Street | 0{i}:15 |" for i in range(8)]
TABLE = "\n".join(["| route | stop | time |", "|---|---|---|", *ROWS])
LIST = "\n".join(f"- item number {i} milk eggs" for i in range(12))
MATH = (
    "Let $x_n$ be a sequence with $x_{n+1} = x_n^2 + c$ and consider $\\frac{1}{n}\\sum_{k=1}^n x_k$. "
    "Then $\\lim_{n\\to\\infty} x_n = L$ implies $L = L^2 + c$, so $L = \\frac{1 \\pm \\sqrt{1-4c}}{2}$ "
    "whenever $c \\leq 1/4$; for $c > 1/4$ there is no real fixed point and the orbit escapes to $\\infty$. "
    "We write $\\alpha = 1 - 4c$ and $\\beta = \\sqrt{\\alpha}$ for the rest of the proof."
)


@pytest.mark.parametrize(
    "text, why",
    [(HUMAN_TEXT, None), (SYNTHETIC_TEXT, None), (PROSE_WITH_LIST, None), ("three short words", "too_short"),
     (CODE, "code"), (TABLE, "table"), (LIST, "list"), (MATH, "math")],
)  # fmt: skip
def test_gate_judges_prose_and_holds_back_the_rest(text, why):
    judged, reasons = gate([text], word_counts([text]), min_words=10)
    assert judged.tolist() == [why is None]
    assert reasons == [None if why is None else f"not_scored:{why}"]


def test_word_counts_and_min_words():
    n = word_counts(["one two three", " ".join(["w"] * 60)])
    judged, reasons = gate(["one two three", "word " * 60], n, min_words=50)
    assert n.tolist() == [3, 60] and judged.tolist() == [False, True]
    assert reasons == ["not_scored:too_short", None]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", " ", "\t", "  \n"]),
            st.sampled_from(["def f", "from x import y", "x = 1", "return y", "if (a)", "word", "#include <a>"]),
            st.sampled_from(["", ";", " {", "}", "; ", ";\n\n"]),
        ),
        min_size=3,
        max_size=12,
    )
)
def test_code_line_bound_is_never_below_the_regex(parts):
    # The bound lets the gate skip the code regex on prose; it must never undercount what the regex finds.
    text = "\n".join(indent + body + end for indent, body, end in parts)
    lines = [line for line in text.splitlines() if line.strip()]
    assert _code_lines_at_most(text.encode(), lines) >= len(_CODE_LINE.findall(text))
