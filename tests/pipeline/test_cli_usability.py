"""Smaller things a user hits: folders as input, refused output folders, quiet workers, typo'd flags."""

import json
import logging
import subprocess
import sys

import pytest
from apache_beam.io.filesystem import FileMetadata, FileSystem
from click.testing import CliRunner

from synthsieve.cli import main
from synthsieve.pipeline.inputs import InputError, OutputError, check_formats, check_output, match_inputs
from synthsieve.pipeline.outputs import MANIFEST
from synthsieve.readers.files import UnsupportedFormat, detect_format

from builders import HUMAN_TEXT, SYNTHETIC_TEXT

IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
ROWS = [{"id": "h", "text": HUMAN_TEXT}, {"id": "s", "text": SYNTHETIC_TEXT}]


@pytest.fixture
def crawl(tmp_path):
    """A folder as tools leave them: documents in subfolders, a README, markers and hidden files."""
    folder = tmp_path / "crawl"
    lines = "".join(json.dumps(r) + "\n" for r in ROWS)
    for name in ["a.jsonl", "2024/b.jsonl", "_tmp/c.jsonl", ".cache/d.jsonl", "README.md", "_SUCCESS", ".a.jsonl.crc"]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(lines)
    return folder


def _run(*args):
    return CliRunner().invoke(main, ["--quiet", "run", *args])


def _manifest(out):
    return json.loads((out / MANIFEST).read_text())


def test_a_folder_is_read_recursively_leaving_out_hidden_files_and_unknown_formats(crawl, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    out = tmp_path / "out"
    result = _run(str(crawl), "-o", str(out), *IN_MEMORY)
    assert result.exit_code == 0, result.output
    assert _manifest(out)["inputs"] == [str(crawl / "2024/b.jsonl"), str(crawl / "a.jsonl")]
    [note] = [r.getMessage() for r in caplog.records if "left out" in r.getMessage()]
    assert note.startswith(f"left out 5 hidden or unknown-format file(s) under {crawl}: ")
    assert all(name in note for name in ["README.md", "_SUCCESS", ".a.jsonl.crc", "_tmp/c.jsonl", ".cache/d.jsonl"])


def test_with_format_every_file_of_a_folder_that_is_not_hidden_is_read_as_that_format(crawl, tmp_path):
    out = tmp_path / "out"
    result = _run(str(crawl), "-o", str(out), "--format", "jsonl", *IN_MEMORY)
    assert result.exit_code == 0, result.output
    manifest = _manifest(out)
    assert manifest["inputs"] == [str(crawl / name) for name in ["2024/b.jsonl", "README.md", "a.jsonl"]]
    assert manifest["documents_read"] == 3 * len(ROWS)


def test_a_glob_matching_a_file_of_unknown_format_still_fails(crawl, tmp_path):
    result = _run(f"{crawl}/*", "-o", str(tmp_path / "out"))
    unknown = f"{crawl / '.a.jsonl.crc'} (and {crawl / 'README.md'}, {crawl / '_SUCCESS'})"
    assert result.exit_code == 1 and f"cannot tell the format of {unknown}: use --format" in result.output


def test_a_folder_with_nothing_to_read_is_no_input(tmp_path):
    (tmp_path / "empty").mkdir()
    result = _run(str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and f"no input file matches {tmp_path / 'empty'}" in result.output


def test_format_errors_are_the_readers_own_a_line_for_all_the_files_each_fits():
    def message(path):
        with pytest.raises(UnsupportedFormat) as caught:
            detect_format(path)
        return str(caught.value)

    with pytest.raises(InputError) as caught:
        check_formats(["a.warc.wat.gz", "x.txt", "b.warc.wat.gz", "ok.jsonl"], "auto")
    assert str(caught.value).splitlines() == [
        message("a.warc.wat.gz").replace("a.warc.wat.gz", "a.warc.wat.gz (and b.warc.wat.gz)"),
        message("x.txt"),
    ]


@pytest.mark.parametrize(
    "output, refusal",
    [
        ("notes.txt", "is a file: name a folder"),
        ("mine", "holds other files and no synthsieve output: choose a new or empty folder"),
        ("crawl", "is the input {crawl}: choose another folder"),
        ("crawl/out", "is inside the input folder {crawl}: choose another folder"),
        (".", "holds the input {crawl}: choose another folder"),
    ],
)
def test_an_output_that_would_mix_with_the_users_files_is_refused_before_the_job(
    crawl, tmp_path, monkeypatch, output, refusal
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("my notes\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("\\section{}\n")
    before = sorted(p for p in tmp_path.rglob("*"))
    result = _run(str(crawl), "-o", output)
    assert result.exit_code == 1 and result.output == f"Error: --output {output} {refusal.format(crawl=crawl)}\n"
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_an_empty_folder_is_a_fine_output(write_jsonl, tmp_path):
    (tmp_path / "out").mkdir()
    result = _run(str(write_jsonl(ROWS)), "-o", str(tmp_path / "out"), *IN_MEMORY)
    assert result.exit_code == 0 and _manifest(tmp_path / "out")["balanced"], result.output


class ObjectStore(FileSystem):
    """``store://`` names kept as an object store keeps them: no folders, only names with slashes."""

    objects: dict[str, bytes] = {}

    @classmethod
    def scheme(cls):
        return "store"

    def join(self, basepath, *paths):
        return "/".join([basepath.rstrip("/"), *paths])

    def split(self, path):
        return tuple(path.rsplit("/", 1))

    def has_dirs(self):
        return False

    def _list(self, prefix):
        return (FileMetadata(n, len(data)) for n, data in sorted(self.objects.items()) if n.startswith(prefix))

    def exists(self, path):
        return path in self.objects

    def metadata(self, path):
        return FileMetadata(path, len(self.objects[path]))

    def _not_here(self, *args, **kwargs):
        raise NotImplementedError

    mkdirs = create = open = copy = rename = size = last_updated = delete = _not_here


def test_on_an_object_store_a_folder_is_a_prefix(monkeypatch):
    names = ["in/a.jsonl", "in/2024/b.jsonl", "in/_SUCCESS", "inbox.jsonl", "a_file", "mine/x", "old/label=human/p"]
    monkeypatch.setattr(ObjectStore, "objects", {f"store://b/{name}": b"{}" for name in names})
    files, folders = match_inputs(["store://b/in"])
    assert (files, folders) == (["store://b/in/2024/b.jsonl", "store://b/in/a.jsonl"], ["store://b/in"])
    for output in ["store://b/new", "store://b/old"]:
        check_output(output, files, folders)
    for output, refusal in [("a_file", "is a file"), ("mine", "holds other files"), ("in/out", "is inside the input")]:
        with pytest.raises(OutputError, match=refusal):
            check_output(f"store://b/{output}", files, folders)


@pytest.mark.parametrize(
    "flag, suggestion",
    [
        (["--outptu", "y"], "unknown option --outptu (did you mean --output?)"),
        (["--direct_num_worker=2"], "unknown option --direct_num_worker=2 (did you mean --direct_num_workers?)"),
        (["--min_words=3"], "unknown option --min_words=3 (did you mean --min-words?)"),
    ],
)
def test_a_typod_flag_is_named_with_the_closest_known_one(write_jsonl, tmp_path, flag, suggestion):
    result = _run(str(write_jsonl(ROWS)), "-o", str(tmp_path / "out"), *flag)
    assert result.exit_code == 2 and f"{suggestion}: neither synthsieve's nor a Beam pipeline option" in result.output


def test_quiet_and_verbose_also_go_after_the_command():
    ctx = main.make_context("synthsieve", ["run", "x.jsonl", "--quiet", "-o", "out", "--verbose"])
    assert ctx.params == {"quiet": True, "verbose": True} and ctx.args == ["x.jsonl", "-o", "out"]


@pytest.mark.parametrize("flags, silent", [(["--quiet"], "INFO|WARNING"), ([], "INFO")])
def test_worker_processes_log_no_info_unless_verbose(write_jsonl, tmp_path, flags, silent):
    """Beam's local runner in ``multi_processing`` mode, as ``synthsieve run`` picks it: worker processes."""
    command = [sys.executable, "-m", "synthsieve", "run", *flags, str(write_jsonl(ROWS)), "-o", str(tmp_path / "out")]
    proc = subprocess.run([*command, "--direct_num_workers=2"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not [line for line in proc.stderr.splitlines() if any(w in line for w in silent.split("|"))], proc.stderr
