"""The words every part of Even Better shares, defined once, in pure Python (no Django).

- ``periods``: academic years ("2018/19") and dates, one parser, one pattern;
- ``grades``: inspection grades 1-4, their names, and every way sources write them;
- ``directions``: whether higher or lower is better for an indicator;
- ``areas``: the areas of school life that challenge, help and practice are about, and
  the published indicators that say how strong a school is in each.

``analytics/`` and every Django app import from here; nothing here imports them.
"""
