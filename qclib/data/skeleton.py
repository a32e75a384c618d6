"""Texts for a new plan city: the ``params/<city>.yml`` skeleton and its entry in ``params/run.yml``.

Pure functions of a registry division (:class:`qclib.data.registry.Division`); ``qc city new``
(:mod:`qclib.cli.city`) writes them.  The skeleton is filled from the registry (ids, names,
province) and leaves the plan and the targets empty, with comments: ``qc validate`` then names
each field still to fill, with its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qclib.data import registry
from qclib.exceptions import QclibError

_CITY_TEMPLATE = """\
# {name_zh} ({name_en}, {province_zh}): the targets of its 质量强市 plan.  Schema: params/README.md.
# Written by `qc city new` from the registry of divisions (qclib/data/divisions.csv, code {code}).
# Fill in `plan` and `targets` from the plan document, then run `qc validate`: every field
# still empty is reported with its line.
city:
  city_id: {city_id}
  name_zh: {name_zh}
  name_en: {name_en}
  province_zh: {province_zh}
  province_en: {province_en}
  province_entity: {province_id}{province_pad}# the reference line of the reports (any province, or china)
plan:
  title_zh: ""                          # title of the plan document, e.g. {name_zh}创建全国质量强市示范城市实施方案
  title_en: ""
  doc_number: ""                        # document number as printed, e.g. X政〔2023〕1号; "" when it has none
  issuer_zh: ""                         # e.g. {name_zh}人民政府
  date: ""                              # date of issue as printed ("2023-05-08" or "2023-05"); "" when none
  seed_file: ""                         # the file the targets were transcribed from (your copy of the plan)
  deadline_year: null                   # the plan's overall deadline year (used when a clause gives no year)
  start_year: null                      # the year implementation starts (a report year before it is a baseline year);
                                        # with it start_source: {{section: …, clause: …}}; null: the year of date, else of the first phase
phases: []                              # the plan's timeline: - {{phase_id, name_zh, name_en, start, end}}
targets: []
# Replace `targets: []` by one entry per target of the plan (every field: params/README.md), e.g.
#
# targets:
#   - target_id: {city_id}_environment_1  # <city>_<domain>_<item>
#     indicator_id: pm25_annual_mean          # an indicator of params/indicators*.yml
#     domain: environment
#     name_zh: 细颗粒物（PM2.5）年均浓度
#     name_en: PM2.5 annual mean
#     kind: vs_reference                      # threshold | count | reduction_vs_base | ... (params/README.md)
#     comparator: "<"
#     target_value: null
#     reference: {province_id}  # below the province's figure (any province id, or china)
#     target_year: 2025
#     source: {{section: 二、主要目标, item: "1"}}
"""


def city_yaml(division: registry.Division) -> str:
    """The ``params/<city>.yml`` skeleton of a registry city.

    The province is the registry's (the nation for a municipality).

    Examples
    --------
    >>> text = city_yaml(registry.get("mianyang"))
    >>> [line for line in text.splitlines() if line.startswith("  province_")]  # doctest: +NORMALIZE_WHITESPACE
    ['  province_zh: 四川省', '  province_en: Sichuan',
     '  province_entity: sichuan                # the reference line of the reports (any province, or china)']
    >>> "  province_entity: china " in city_yaml(registry.get("beijing"))
    True
    """
    if not division.is_city:
        raise QclibError(f"{division.name_zh} ({division.entity_id}) is a {division.kind_zh}, not a city")
    province = registry.get(division.parent_id if division.level == "prefecture" else "china")
    return _CITY_TEMPLATE.format(
        city_id=division.entity_id,
        name_zh=division.name_zh,
        name_en=division.name_en,
        code=division.code,
        province_zh=province.name_zh,
        province_en=province.name_en,
        province_id=province.entity_id,
        province_pad=" " * max(1, 21 - len(province.entity_id)),
    )


_CITIES_KEY = re.compile(r"^cities:[ \t]*(#.*)?$")


def add_run_city(text: str, city_id: str, years: Sequence[int]) -> str:
    r"""``run.yml`` text with ``city_id`` added at the end of its ``cities:`` block (comments kept).

    The entry is indented like the block's other cities; a text without a ``cities:`` block gets
    one at its end.  A city already listed is an error (edit its years by hand).

    Raises
    ------
    QclibError
        The city is already in the block, or ``cities:`` is not a block (``cities: {...}``).

    Examples
    --------
    >>> print(add_run_city("cities:\n  zhengzhou:\n    years: [2015]\n# c\ncomparison: {}\n", "mianyang", [2023]))
    cities:
      zhengzhou:
        years: [2015]
      mianyang:
        # added by qc city new: the report years (years with figures or targets of the plan)
        years: [2023]
    # c
    comparison: {}
    <BLANKLINE>
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _CITIES_KEY.match(line)), None)
    if start is None:
        if re.search(r"^cities:", text, re.M):
            raise QclibError("run.yml: 'cities:' is not a block of one city per line; add the city by hand")
        head = text.rstrip("\n") + "\n" if text.strip() else ""
        return head + "\n".join(["cities:", *_entry(city_id, years, "  ")]) + "\n"
    end, indent = start + 1, "  "
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.strip() and not line[0].isspace():
            break
        if line.strip() and not line.lstrip().startswith("#"):
            end = i + 1
            child = re.match(r"^(\s+)([A-Za-z0-9_]+):", line)
            if child and i == _first_child(lines, start):
                indent = child.group(1)
            if child and child.group(1) == indent and child.group(2) == city_id:
                raise QclibError(f"run.yml already lists {city_id}: change its years there")
    return "\n".join([*lines[:end], *_entry(city_id, years, indent), *lines[end:]]) + "\n"


def _first_child(lines: list[str], start: int) -> int:
    """Index of the first key line inside the block that starts at ``start``."""
    for i in range(start + 1, len(lines)):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return i
    return -1


def _entry(city_id: str, years: Sequence[int], indent: str) -> list[str]:
    listed = ", ".join(str(int(y)) for y in years)
    return [
        f"{indent}{city_id}:",
        f"{indent * 2}# added by qc city new: the report years (years with figures or targets of the plan)",
        f"{indent * 2}years: [{listed}]",
    ]
