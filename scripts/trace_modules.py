"""Which of our modules one `sentiment-nb` command passes through, in order: a trace of the calls between them.

    python scripts/trace_modules.py train --data sample --preset tiny --epochs 1 --out /tmp/m --overwrite --quiet

Prints each call from one `sentiment_nb` module into another (caller -> callee: function), then the
modules in the order they are first entered, how often each is entered, and how many calls go back
from a module to one that comes earlier in the path of the data ("upward": a lower module calling a higher one).
"""
import re
import sys
from collections import Counter
from pathlib import Path

import sentiment_nb
from sentiment_nb import cli

PACKAGE = sentiment_nb.__name__ + "."
EVENTS = ("before_fit", "before_epoch", "before_batch", "after_loss", "after_backward", "after_batch", "after_epoch", "after_fit")


def module_of(frame) -> str | None:
    name = frame.f_globals.get("__name__", "")
    return name[len(PACKAGE):] if name.startswith(PACKAGE) else None


def path_position(module: str) -> str:
    "The notebook a module is exported from (e.g. '05a_hardware'): its place in the path of the data."
    source = Path(sentiment_nb.__file__).parent.joinpath(*module.split(".")).with_suffix(".py")
    if not source.is_file(): source = source.with_suffix("")/"__init__.py"
    found = re.search(r"File to edit: \.\./nbs/(\S+)\.ipynb", source.read_text(encoding="utf-8"))
    return found.group(1) if found else "~" + module


def trace(argv: list[str]) -> list[tuple[str, str, str]]:
    "The (caller module, callee module, function) of every call that crosses from one of our modules to another."
    calls = []
    def profiler(frame, event, arg):
        if event != "call": return
        callee = module_of(frame)
        if callee is None or frame.f_code.co_name.startswith("<"): return
        back = frame.f_back
        while back is not None and module_of(back) is None: back = back.f_back  # through torch, tqdm, ...
        caller = module_of(back) if back is not None else None
        if caller and caller != callee:
            event = back.f_code.co_name == "__call__" and frame.f_code.co_name in EVENTS  # the Learner calling a callback
            calls.append((caller, callee, frame.f_code.co_name + (" (event)" if event else "")))
    sys.setprofile(profiler)
    try: cli.main(argv)
    finally: sys.setprofile(None)
    return calls


def main(argv=None):
    calls = trace(sys.argv[1:] if argv is None else argv)
    counts = Counter(calls)
    print("\n# calls between modules, in the order first made (×N: how often)")
    for call in dict.fromkeys(calls): print(f"{call[0]:>16} -> {call[1]}: {call[2]}" + (f" ×{counts[call]}" if counts[call] > 1 else ""))
    events = [c for c in calls if c[2].endswith("(event)")]
    direct = [c for c in calls if not c[2].endswith("(event)")]
    order = list(dict.fromkeys(m for pair in calls for m in pair[:2]))
    print("\n# modules in the order first met:", " -> ".join(order))
    print("# times each is entered (direct calls):", ", ".join(f"{m} {n}" for m, n in Counter(c[1] for c in direct).most_common()))
    print(f"# {len(events)} callback events from the Learner, to: " + ", ".join(f"{m} {n}" for m, n in Counter(c[1] for c in events).most_common()))
    forward = [c for c in direct if path_position(c[0]) < path_position(c[1])]
    print(f"# {len(order)} modules; {len(direct)} direct crossing calls; {len(forward)} of them reach forward in the path "
          f"(a module calling one from a later notebook): " + ", ".join(sorted({f"{a}->{b}" for a, b, _ in forward})))


if __name__ == "__main__":
    main()
