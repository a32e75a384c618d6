"""Air-quality standards as data: limits, AQI breakpoints, validity rules, indicators.

Nothing here computes.  Every table names the clause it comes from and how far
it was checked, using the legend of ``shared/reference/methods-and-standards.md``:

- **[V~]** read in a secondary copy (a mirror of the standard's table, or an
  implementation that restates the clause), not in the official PDF;
- **[M]** general knowledge, not confirmed; used only where the brief allows it
  and said so next to the value.

Standard versions
-----------------
``"2012"``
    GB 3095-2012 (limits, data validity) + HJ 633-2012 (AQI) + HJ 663-2013
    (annual assessment).  The default for every year before 2026.
``"2026"``
    GB 3095-2026 / HJ 633-2026 / HJ 663-2026, in force 2026-03-01.  Only the
    PM2.5 limits are confirmed ([V~], news reports cited in the notes); the PM10,
    SO2 and NO2 limits, the new PM2.5/PM10 AQI breakpoints and the new rounding
    rules are not.  Asking to *compute* with ``"2026"`` therefore raises
    :class:`UnconfirmedStandardError` instead of guessing.  The default for
    years from 2026 on is ``"2026"`` (so the error tells the analyst to choose
    ``standard="2012"`` explicitly if an old-rules evaluation is wanted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from qclib.exceptions import InvalidChoiceError, QclibError

#: Pollutant columns of the daily table, in report order.  ``o3_8h`` is the
#: daily maximum 8-hour mean; ``o3_1h`` (optional) the daily maximum 1-hour value.
POLLUTANTS: tuple[str, ...] = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")
OPTIONAL_POLLUTANTS: tuple[str, ...] = ("o3_1h",)
ALL_POLLUTANT_COLUMNS: tuple[str, ...] = POLLUTANTS + OPTIONAL_POLLUTANTS

#: Units of the daily values (CO in mg/m3, the rest in ug/m3) -- GB 3095-2012 Table 1.
POLLUTANT_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "pm25": "ug/m3",
        "pm10": "ug/m3",
        "so2": "ug/m3",
        "no2": "ug/m3",
        "co": "mg/m3",
        "o3_8h": "ug/m3",
        "o3_1h": "ug/m3",
    }
)

#: Display names used for the primary pollutant (首要污染物).
POLLUTANT_LABELS: Mapping[str, str] = MappingProxyType(
    {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NO2", "co": "CO", "o3_8h": "O3", "o3_1h": "O3"}
)

STANDARD_VERSIONS: tuple[str, ...] = ("2012", "2026")

#: Year from which the 2026 standards are the default (in force 2026-03-01).
FIRST_YEAR_2026: int = 2026


class UnconfirmedStandardError(QclibError, ValueError):
    """A computation needs values of a standard version that are not confirmed.

    Attributes
    ----------
    version : str
        The standard version asked for.
    missing : tuple of str
        What is not confirmed (limits, breakpoints, rounding rules...).
    """

    def __init__(self, version: str, missing: tuple[str, ...], years: tuple[int, ...] = ()):
        self.version = version
        self.missing = tuple(missing)
        self.years = tuple(years)
        where = f" (years {', '.join(map(str, years))})" if years else ""
        super().__init__(
            f"standard {version!r}{where} cannot be applied: these values are not confirmed "
            f"from the standard text: {'; '.join(self.missing)}. Pass standard='2012' to "
            "evaluate with GB 3095-2012 / HJ 633-2012 / HJ 663-2013 rules (and label the result so)."
        )


@dataclass(frozen=True)
class AirStandard:
    """One version of the limits, breakpoints and rules.

    Attributes
    ----------
    version : str
        ``"2012"`` or ``"2026"``.
    label : str
        The documents, e.g. ``"GB 3095-2012 / HJ 633-2012 / HJ 663-2013"``.
    limits : mapping
        ``{pollutant: {"annual": (grade1, grade2), "24h": (grade1, grade2)}}``;
        ``None`` where the standard sets no limit.
    percentiles : mapping
        Percentile of daily values evaluated for each pollutant (HJ 663).
    breakpoints : mapping
        ``{item: (concentrations, iaqi_levels)}`` of HJ 633 Table 1.
    decimals : mapping
        Reporting precision of concentrations (修约 to this many decimals).
    min_hours_daily, min_hours_8h, min_windows_o3_8h, min_days_year, min_days_month, min_days_february : int
        Data-validity thresholds (GB 3095 clause 7 / HJ 663 Table).
    confirmed : bool
        ``False`` when part of the version is unknown; computing with it raises
        :class:`UnconfirmedStandardError`.
    unconfirmed : tuple of str
        What is missing.
    """

    version: str
    label: str
    limits: Mapping[str, Mapping[str, tuple[float | None, float | None] | None]]
    percentiles: Mapping[str, float]
    breakpoints: Mapping[str, tuple[tuple[float, ...], tuple[float, ...]]]
    decimals: Mapping[str, int]
    min_hours_daily: int = 20
    min_hours_8h: int = 6
    min_windows_o3_8h: int = 14
    min_days_year: int = 324
    min_days_month: int = 27
    min_days_february: int = 25
    confirmed: bool = True
    unconfirmed: tuple[str, ...] = ()


#: IAQI levels of HJ 633-2012 Table 1.
IAQI_LEVELS: tuple[float, ...] = (0, 50, 100, 150, 200, 300, 400, 500)

#: HJ 633-2012 Table 1 (空气质量分指数及对应的污染物项目浓度限值) [V~]: the notes'
#: table (B3), the SO2 24-h row checked against independent implementations; the
#: two "> 800" rules are quoted verbatim in several implementations (see
#: :data:`NOT_COMPUTED_ABOVE`).  Units ug/m3, CO mg/m3.
BREAKPOINTS_2012: Mapping[str, tuple[tuple[float, ...], tuple[float, ...]]] = MappingProxyType(
    {
        "so2_24h": ((0, 50, 150, 475, 800, 1600, 2100, 2620), IAQI_LEVELS),
        "so2_1h": ((0, 150, 500, 650, 800), IAQI_LEVELS[:5]),
        "no2_24h": ((0, 40, 80, 180, 280, 565, 750, 940), IAQI_LEVELS),
        "no2_1h": ((0, 100, 200, 700, 1200, 2340, 3090, 3840), IAQI_LEVELS),
        "pm10_24h": ((0, 50, 150, 250, 350, 420, 500, 600), IAQI_LEVELS),
        "co_24h": ((0, 2, 4, 14, 24, 36, 48, 60), IAQI_LEVELS),
        "co_1h": ((0, 5, 10, 35, 60, 90, 120, 150), IAQI_LEVELS),
        "o3_1h": ((0, 160, 200, 300, 400, 800, 1000, 1200), IAQI_LEVELS),
        "o3_8h": ((0, 100, 160, 215, 265, 800), IAQI_LEVELS[:6]),
        "pm25_24h": ((0, 35, 75, 115, 150, 250, 350, 500), IAQI_LEVELS),
    }
)

#: HJ 633-2012 Table 1 notes (2) and (3) [V~]: SO2 1-h above 800 ug/m3 -> no SO2
#: 1-h IAQI (report the 24-h IAQI); O3 8-h above 800 ug/m3 -> no O3 8-h IAQI
#: (report the O3 1-h IAQI).
NOT_COMPUTED_ABOVE: Mapping[str, float] = MappingProxyType({"so2_1h": 800.0, "o3_8h": 800.0})

#: Which breakpoint row a daily column uses (HJ 633-2012 clause 5: the daily
#: report uses 24-h means, O3 daily max 1-h and daily max 8-h).
DAILY_ITEM: Mapping[str, str] = MappingProxyType(
    {
        "pm25": "pm25_24h",
        "pm10": "pm10_24h",
        "so2": "so2_24h",
        "no2": "no2_24h",
        "co": "co_24h",
        "o3_8h": "o3_8h",
        "o3_1h": "o3_1h",
    }
)

#: GB 3095-2012 Table 1, (grade I, grade II) [V~] (onxelh.cn mirror of the table,
#: re-read for this module).  ``"24h"`` of ``o3_8h`` is the daily max 8-h limit;
#: of ``o3_1h`` the 1-h limit.
LIMITS_2012: Mapping[str, Mapping[str, tuple[float, float] | None]] = MappingProxyType(
    {
        "pm25": {"annual": (15, 35), "24h": (35, 75)},
        "pm10": {"annual": (40, 70), "24h": (50, 150)},
        "so2": {"annual": (20, 60), "24h": (50, 150)},
        "no2": {"annual": (40, 40), "24h": (80, 80)},
        "co": {"annual": None, "24h": (4, 4)},
        "o3_8h": {"annual": None, "24h": (100, 160)},
        "o3_1h": {"annual": None, "24h": (160, 200)},
    }
)

#: HJ 663-2013 annual statistics [V~]: percentile of the daily values assessed
#: against the 24-h (O3: 8-h) limit.  Corroborated by bulletins and yearbook
#: columns ("CO 日均浓度第95百分位数", "O3 日最大8小时第90百分位数") and the notes.
PERCENTILES_2012: Mapping[str, float] = MappingProxyType(
    {"pm25": 95, "pm10": 95, "so2": 98, "no2": 98, "co": 95, "o3_8h": 90}
)

#: Reporting precision (修约): integers in ug/m3, CO one decimal in mg/m3
#: [V~] (notes B2; restated by an implementation of the HJ 663 rounding rules).
DECIMALS_2012: Mapping[str, int] = MappingProxyType(
    {"pm25": 0, "pm10": 0, "so2": 0, "no2": 0, "co": 1, "o3_8h": 0, "o3_1h": 0}
)

STANDARD_2012 = AirStandard(
    version="2012",
    label="GB 3095-2012 / HJ 633-2012 / HJ 663-2013",
    limits=LIMITS_2012,
    percentiles=PERCENTILES_2012,
    breakpoints=BREAKPOINTS_2012,
    decimals=DECIMALS_2012,
)

#: GB 3095-2026 PM2.5 limits [V~] (news reports cited in the notes, section B):
#: grade I annual 10 / 24-h 25, grade II annual 25 / 24-h 50; transitional grade
#: II 30 / 60 from 2026-03-01 to 2030-12-31.
PM25_LIMITS_2026: Mapping[str, tuple[float, float]] = MappingProxyType({"annual": (10, 25), "24h": (25, 50)})
PM25_TRANSITIONAL_GRADE2_2026: Mapping[str, float] = MappingProxyType({"annual": 30, "24h": 60, "until_year": 2030})

STANDARD_2026 = AirStandard(
    version="2026",
    label="GB 3095-2026 / HJ 633-2026 / HJ 663-2026",
    limits=MappingProxyType({"pm25": PM25_LIMITS_2026}),
    percentiles=MappingProxyType({}),
    breakpoints=MappingProxyType({}),
    decimals=MappingProxyType({}),
    confirmed=False,
    unconfirmed=(
        "GB 3095-2026 limits of PM10, SO2, NO2 (tightened, values not retrieved)",
        "HJ 633-2026 PM2.5/PM10 AQI breakpoints (changed, values not retrieved)",
        "HJ 663-2026 rounding (修约) and percentile rules (changed, not retrieved)",
    ),
)

STANDARDS: Mapping[str, AirStandard] = MappingProxyType({"2012": STANDARD_2012, "2026": STANDARD_2026})

#: AQI categories of HJ 633-2012 Table 2 [V]: (upper AQI bound, level, name_zh, name_en, colour).
AQI_CATEGORIES: tuple[tuple[int, str, str, str, str], ...] = (
    (50, "一级", "优", "excellent", "#00E400"),
    (100, "二级", "良", "good", "#FFFF00"),
    (150, "三级", "轻度污染", "lightly polluted", "#FF7E00"),
    (200, "四级", "中度污染", "moderately polluted", "#FF0000"),
    (300, "五级", "重度污染", "heavily polluted", "#99004C"),
    (500, "六级", "严重污染", "severely polluted", "#7E0023"),
)
AQI_CATEGORY_IDS: tuple[str, ...] = (
    "excellent",
    "good",
    "lightly_polluted",
    "moderately_polluted",
    "heavily_polluted",
    "severely_polluted",
)


def get_standard(version: str | int) -> AirStandard:
    """Return the :class:`AirStandard` of a version, refusing unconfirmed ones.

    Parameters
    ----------
    version : str or int
        ``"2012"`` (GB 3095-2012 / HJ 633-2012 / HJ 663-2013) or ``"2026"``.

    Returns
    -------
    AirStandard
        The confirmed tables of that version.

    Raises
    ------
    InvalidChoiceError
        Unknown version.
    UnconfirmedStandardError
        The version is known but its values are not all confirmed (``"2026"``).

    Examples
    --------
    >>> get_standard("2012").limits["pm25"]["annual"]
    (15, 35)
    >>> get_standard(2026)
    Traceback (most recent call last):
    ...
    qclib.air.standards.UnconfirmedStandardError: standard '2026' cannot be applied: ...
    """
    key = str(version).strip()
    if key not in STANDARDS:
        raise InvalidChoiceError("standard", version, STANDARD_VERSIONS)
    std = STANDARDS[key]
    if not std.confirmed:
        raise UnconfirmedStandardError(std.version, std.unconfirmed)
    return std


def default_standard(year: int) -> str:
    """Standard version that applies by default to a calendar year.

    Formula: ``"2012"`` if ``year < 2026`` else ``"2026"`` (GB 3095-2026 in force
    2026-03-01; historical years keep the 2012/2013 rules -- notes section B).

    Parameters
    ----------
    year : int
        Calendar year evaluated.

    Returns
    -------
    str
        ``"2012"`` or ``"2026"``.

    Examples
    --------
    >>> default_standard(2025), default_standard(2026)
    ('2012', '2026')
    """
    return "2012" if int(year) < FIRST_YEAR_2026 else "2026"


def _ind(name_zh: str, name_en: str, unit: str, measure: str, direction: str) -> dict[str, str]:
    return {
        "domain": "environment",
        "name_zh": name_zh,
        "name_en": name_en,
        "unit": unit,
        "measure": measure,
        "direction": direction,
    }


def _build_indicators() -> dict[str, dict[str, str]]:
    low, high, none = "lower_is_better", "higher_is_better", "none"
    zh = {
        "pm25": "细颗粒物（PM2.5）",
        "pm10": "可吸入颗粒物（PM10）",
        "so2": "二氧化硫（SO2）",
        "no2": "二氧化氮（NO2）",
        "co": "一氧化碳（CO）",
        "o3_8h": "臭氧（O3）日最大8小时平均",
    }
    en = {
        "pm25": "PM2.5",
        "pm10": "PM10",
        "so2": "SO2",
        "no2": "NO2",
        "co": "CO",
        "o3_8h": "O3 daily maximum 8-hour mean",
    }
    out: dict[str, dict[str, str]] = {}
    for p in ("pm25", "pm10", "so2", "no2"):
        out[f"{p}_annual_mean"] = _ind(
            f"{zh[p]}年均浓度", f"{en[p]} annual mean concentration", "ug/m3", "concentration", low
        )
    for p in POLLUTANTS:
        pct = int(PERCENTILES_2012[p])
        unit = POLLUTANT_UNITS[p]
        base = "日均值" if p != "o3_8h" else ""
        out[f"{p}_p{pct}"] = _ind(
            f"{zh[p]}{base}第{pct}百分位数浓度",
            f"{en[p]} {pct}th percentile of daily values",
            unit,
            "concentration",
            low,
        )
    for p in POLLUTANTS:
        out[f"{p}_days_over_grade2"] = _ind(
            f"{zh[p]}超过二级日标准天数", f"Days with {en[p]} above the grade II 24-hour limit", "days", "count", low
        )
    for p in POLLUTANTS:
        for g, gzh in (("1", "一级"), ("2", "二级")):
            out[f"{p}_compliant_grade{g}"] = _ind(
                f"{zh[p]}年评价达{gzh}标准",
                f"{en[p]} meets the grade {'I' * int(g)} annual standard",
                "bool",
                "boolean",
                high,
            )
    out["air_compliant_grade2"] = _ind(
        "六项污染物年评价均达二级标准", "All six pollutants meet the grade II annual standard", "bool", "boolean", high
    )
    out["valid_days"] = _ind("有效监测天数", "Valid monitoring days (daily AQI computable)", "days", "count", none)
    out["good_days"] = _ind("空气质量优良天数", "Days with good or excellent air quality", "days", "count", high)
    out["good_days_ratio"] = _ind(
        "空气质量优良天数比例", "Share of days with good or excellent air quality", "%", "rate", high
    )
    out["heavy_pollution_days"] = _ind(
        "重污染天数（AQI>200）", "Heavily or severely polluted days (AQI > 200)", "days", "count", low
    )
    for (_, _, name_zh, name_en, _), cid in zip(AQI_CATEGORIES, AQI_CATEGORY_IDS):
        direction = high if cid in ("excellent", "good") else low
        out[f"days_aqi_{cid}"] = _ind(
            f"空气质量为“{name_zh}”的天数", f"Days rated {name_en} (AQI)", "days", "count", direction
        )
    for p in POLLUTANTS:
        label = "O3" if p == "o3_8h" else en[p]
        key = "o3" if p == "o3_8h" else p
        out[f"{key}_primary_days"] = _ind(
            f"{label}为首要污染物的天数", f"Days with {label} as primary pollutant", "days", "count", none
        )
    return out


#: Indicator registry entries produced by :mod:`qclib.air` (to merge into
#: ``params/indicators.yml``): ``{indicator_id: {domain, name_zh, name_en, unit,
#: measure, direction}}``.
AIR_INDICATORS: Mapping[str, Mapping[str, str]] = MappingProxyType(_build_indicators())
