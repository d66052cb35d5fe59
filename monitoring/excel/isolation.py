"""Reading an uploaded workbook's cells in a child process, so that a native crash, a
runaway allocation or an endless loop in the parser ends the child, never the worker.

The parent (:func:`read_sheets`) starts ``python -I monitoring/excel/isolation.py`` with the file on
its standard input and a temporary file as its standard output. The child limits its own
address space (``RLIMIT_AS``), CPU time and output size before it reads a byte, reads the
requested sheets with python-calamine and writes back, pickled, every sheet's rows (lists
of plain values) and merged ranges, and its peak memory. The parent waits at most the
time limit, kills the child past it, and reads the answer with an unpickler that accepts
nothing but the ``datetime`` types: a child that went wrong cannot make the parent run
code. A child that dies or answers with an error becomes :class:`ChildFailed`.

This file runs as a script in the child: it imports nothing from the project and no
Django.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass

# What the child may write back: rows of one sheet are at most a few hundred MB.
_OUTPUT_LIMIT = 1 << 30


@dataclass
class ChildFailed(Exception):
    """The child did not deliver: ``reason`` is one of "timeout", "memory", "signal",
    "exit", "error" (calamine refused a part), with the details for a message."""

    reason: str
    stage: str = ""  # "open" or the sheet title being read
    detail: str = ""
    signal_name: str = ""
    max_rss_kb: int = 0  # the child's peak memory, when it lived to answer

    def __str__(self) -> str:
        return f"{self.reason} {self.stage} {self.signal_name} {self.detail}".strip()


@dataclass
class SheetData:
    rows: list[list]
    merged: list


@dataclass
class Answer:
    sheets: dict[str, SheetData]
    max_rss_kb: int  # the child's peak resident memory (ru_maxrss)


class _Unpickler(pickle.Unpickler):
    """Plain values only: lists, tuples, dicts, str, numbers, None and datetime's types."""

    _ALLOWED = {"datetime", "date", "time", "timedelta", "timezone"}

    def find_class(self, module, name):
        if module == "datetime" and name in self._ALLOWED:
            import datetime

            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def read_sheets(
    data: bytes,
    titles: list[str],
    *,
    timeout: float,
    memory_bytes: int,
    max_chars: int = 32_767,
    check_text: frozenset[str] = frozenset(),
    python: str = "",
) -> Answer:
    """Every named sheet's rows from A1 (``to_python(skip_empty_area=False)``) and merged
    ranges, read in a child process limited to ``memory_bytes`` of address space and
    ``timeout`` seconds; ChildFailed when it does not deliver. In the sheets named in
    ``check_text`` (those with text typed in the cells rather than shared) a text longer
    than ``max_chars`` is ChildFailed("long", sheet, "row col"). ``python``: the
    interpreter to run (default ``sys.executable``; under uWSGI name the venv's python)."""
    job = (titles, memory_bytes, int(timeout) + 2, max_chars, sorted(check_text))
    answer = _run_child(job, data, timeout=timeout, python=python, stages=titles)
    sheets = {title: SheetData(rows, merged) for title, (rows, merged) in answer["sheets"].items()}
    return Answer(sheets=sheets, max_rss_kb=answer["max_rss_kb"])


def read_document(
    data: bytes, *, timeout: float, memory_bytes: int, max_blocks: int, python: str = ""
) -> tuple[list, int]:
    """A Word document's body as blocks (monitoring/excel/document/extract.py) read with
    python-docx in the same limited child, and the child's peak memory (KB)."""
    job = (["docx"], memory_bytes, int(timeout) + 2, max_blocks, [], "docx")
    answer = _run_child(job, data, timeout=timeout, python=python, stages=["docx"])
    return answer["blocks"], answer["max_rss_kb"]


def _run_child(job: tuple, data: bytes, *, timeout: float, python: str, stages: list) -> dict:
    """The child's answer to ``job`` (its first line on standard input, then the file),
    or ChildFailed."""
    titles = stages
    with (
        tempfile.TemporaryFile() as stdin,
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
    ):
        pickle.dump(job, stdin, protocol=5)
        stdin.write(data)
        stdin.seek(0)
        proc = subprocess.Popen(
            [python or sys.executable, "-I", os.path.abspath(__file__)],
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            env=_child_env(),
            cwd=tempfile.gettempdir(),
        )
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise ChildFailed("timeout") from None
        stdout.seek(0)
        raw = stdout.read()
        stderr.seek(0)
        errors = stderr.read(1 << 16).decode("utf-8", "replace")
    stages = [line[7:] for line in errors.splitlines() if line.startswith("@stage ")]
    errors = "\n".join(line for line in errors.splitlines() if not line.startswith("@stage "))
    stage = titles[int(stages[-1])] if stages and stages[-1].isdigit() else ""
    answer = None
    if raw:
        try:
            answer = _Unpickler(io.BytesIO(raw)).load()
        except Exception:  # a child killed while writing leaves half an answer
            answer = None
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        reason = "memory" if -code in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS) else "signal"
        if -code == signal.SIGXCPU:
            reason = "timeout"
        raise ChildFailed(reason, stage=stage, signal_name=name, detail=errors[-500:])
    if not isinstance(answer, dict):
        raise ChildFailed("exit", stage=stage, detail=f"exit code {code}: {errors[-500:]}")
    if "error" in answer:
        kind, stage, detail = answer["error"]
        raise ChildFailed(kind, stage=stage, detail=detail, max_rss_kb=answer["max_rss_kb"])
    return answer


def _child_env() -> dict[str, str]:
    """None of the worker's secrets (SECRET_KEY, DATABASE_URL): only what an interpreter
    may need to start."""
    env = {"LC_ALL": "C.UTF-8"}
    for name in ("LD_LIBRARY_PATH", "TMPDIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


# ------------------------------------------------------------------ the child


def _limit(kind: int, value: int) -> None:
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))
    except (ValueError, OSError) as exc:  # macOS has no RLIMIT_AS: the timeout still holds
        sys.stderr.write(f"limit {kind} not set: {exc}\n")


def _peak_rss_kb() -> int:
    """This process's own peak resident memory. ru_maxrss would count the worker's memory
    too: Linux keeps the high-water mark of the process image replaced by exec."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child() -> int:
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    titles, memory_bytes, cpu_seconds, max_chars, check_text, *kind = pickle.load(inp)
    _limit(resource.RLIMIT_AS, memory_bytes)
    _limit(resource.RLIMIT_CPU, cpu_seconds)
    _limit(resource.RLIMIT_FSIZE, _OUTPUT_LIMIT)
    stage = "open"

    def answer(obj) -> int:
        obj["max_rss_kb"] = _peak_rss_kb()
        pickle.dump(obj, out, protocol=5)
        out.flush()
        return 0

    if kind == ["docx"]:
        return _docx_child(inp, answer, max_chars)
    try:
        from python_calamine import CalamineWorkbook
    except Exception as exc:  # not the file's fault: the limits leave no room, or no calamine
        return answer({"error": ("start", "", f"{exc.__class__.__name__}: {exc}"[:500])})
    try:
        data = inp.read()
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        del data
        sheets = {}
        for index, title in enumerate(titles):
            stage = title
            sys.stderr.write(f"@stage {index}\n")  # which sheet, should the child die in it
            sys.stderr.flush()
            sheet = book.get_sheet_by_name(title)
            rows = sheet.to_python(skip_empty_area=False)
            if title in check_text:
                for r, values in enumerate(rows, start=1):
                    for c, v in enumerate(values, start=1):
                        if v.__class__ is str and len(v) > max_chars:
                            return answer({"error": ("long", title, f"{r} {c}")})
            sheets[title] = (rows, sheet.merged_cell_ranges or [])
        return answer({"sheets": sheets})
    except MemoryError:
        sheets = None
        return answer({"error": ("memory", stage, "")})
    except Exception as exc:  # calamine's own errors, whatever the part
        return answer({"error": ("error", stage, f"{exc.__class__.__name__}: {exc}"[:500])})


def _docx_child(inp, answer, max_blocks: int) -> int:
    """A Word document's blocks, by monitoring/excel/document/extract.py loaded from its
    path (the child runs isolated: the project is not on its path)."""
    import importlib.util

    sys.stderr.write("@stage 0\n")
    sys.stderr.flush()
    try:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "document", "extract.py")
        spec = importlib.util.spec_from_file_location("yeep_docx_extract", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        import docx  # noqa: F401
    except Exception as exc:  # not the file's fault
        return answer({"error": ("start", "", f"{exc.__class__.__name__}: {exc}"[:500])})
    try:
        return answer({"blocks": module.extract_blocks(inp.read(), max_blocks)})
    except MemoryError:
        return answer({"error": ("memory", "docx", "")})
    except Exception as exc:  # python-docx's and lxml's own errors, whatever the part
        return answer({"error": ("error", "docx", f"{exc.__class__.__name__}: {exc}"[:500])})


if __name__ == "__main__":
    sys.exit(_child())
