"""A select of every school in England (24,000 options) drawn three ways in the same run:
Django's own ``Select`` (a template per option: the baseline), ``schools.forms.LongSelect`` and
the template tag ``{% options %}`` (both through ``pages.options.options_html``). Needs no
database.

    .venv/bin/python bench/bench_long_select.py [--options 24000] [--repeat 5]

Prints each way's best milliseconds and its ratio to Django's ``Select``; checks that
``LongSelect`` writes the very HTML of Django's.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--options", type=int, default=24000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django import forms
    from django.template import Context, Template

    from evenbetter.schools.forms import LongSelect

    choices = [("", "---------")] + [(i, f"School {i} & <Annexe>") for i in range(1, args.options + 1)]
    chosen = args.options // 2
    tag = Template("{% load evenbetter %}{% options choices selected %}")
    ways: dict[str, Callable[[], str]] = {
        "Django's Select": lambda: forms.Select(choices=choices).render("school", chosen),
        "LongSelect": lambda: LongSelect(choices=choices).render("school", chosen),
        "{% options %}": lambda: tag.render(Context({"choices": choices, "selected": chosen})),
    }
    assert ways["LongSelect"]() == ways["Django's Select"](), "LongSelect must write Django's HTML"
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        for name, draw in ways.items():
            gc.collect()  # the garbage of the way before is not this one's
            start = time.perf_counter()
            draw()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    baseline = best["Django's Select"]
    print(f"{args.options:,} options, best of {args.repeat}")
    for name, seconds in best.items():
        print(f"  {name:16} {seconds * 1000:8.1f} ms   x {seconds / baseline:.2f} of Django's Select")


if __name__ == "__main__":
    main()
