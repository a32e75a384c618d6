"""Named vocabularies used across qclib (no logic here).

Every validator and every indicator function checks its categorical arguments
against these tuples and names the allowed values in its error.
"""

from __future__ import annotations

#: The plan cities shipped with qclib (each has ``params/<city_id>.yml``).  Not a limit: every
#: city of the registry of divisions (:mod:`qclib.data.registry`, ``qclib/data/divisions.csv``)
#: is an observation entity and becomes a plan city by having its params file (``qc city new``);
#: the loaded catalog (``load_catalog().cities``) is the list of plan cities.
PLAN_CITIES: tuple[str, ...] = ("zhengzhou", "xinxiang", "zhuzhou", "qinhuangdao")

#: The reference areas of the shipped cities (names as in the registry: a test checks).  Not a
#: limit: the nation and every province of the registry can be a reference
#: (:func:`qclib.data.registry.reference_ids`); the reports take names from the registry.
REFERENCE_ENTITIES: dict[str, dict[str, str]] = {
    "henan": {"name_zh": "河南省", "name_en": "Henan province", "level": "province"},
    "hebei": {"name_zh": "河北省", "name_en": "Hebei province", "level": "province"},
    "hunan": {"name_zh": "湖南省", "name_en": "Hunan province", "level": "province"},
    "china": {"name_zh": "全国", "name_en": "China (national)", "level": "nation"},
}

#: The shipped entity ids (the registry, :mod:`qclib.data.registry`, holds every entity).
ENTITIES: tuple[str, ...] = PLAN_CITIES + tuple(REFERENCE_ENTITIES)

#: The four qualities plus quality culture/foundation.
DOMAINS: tuple[str, ...] = ("product", "engineering", "service", "environment", "culture")
DOMAIN_NAMES_ZH: dict[str, str] = {
    "product": "产品质量",
    "engineering": "工程质量",
    "service": "服务质量",
    "environment": "环境质量",
    "culture": "质量文化及质量基础",
}

#: Target kinds.
#:
#: - ``threshold``: value compared with a fixed level (pass rate >= 90 %).
#: - ``count``: number of things compared with a level (>= 1 national pilot).
#: - ``reduction_vs_base``: percent reduction of a level since a base year
#:   (COD -14.8 % vs 2010); ``target_value`` is the reduction in percent.
#: - ``change_vs_base``: signed percent change of a level since a base year
#:   (PM2.5 -5 % vs 2016 is ``comparator '<=' target_value -5``).
#: - ``trajectory``: a planned path from (base_year, base_value) to
#:   (target_year, target_value) (PM2.5 108 in 2013 -> 95 in 2016).
#: - ``trend``: direction sustained for ``n_years`` consecutive years
#:   (satisfaction rising 3 years running); ``comparator`` '>' rising, '<' falling.
#:   ``n_years_stated`` says whether the plan prints the number (连续3年不断提高) or
#:   ``n_years`` is the span of the plan years over which a 不断提高 / 逐年下降 without a
#:   number is judged year by year (2014–2020: 7).
#: - ``rank``: rank compared with a level (within the top 10: '<=' 10).
#: - ``vs_reference``: value compared with a reference entity's value for the
#:   same indicator and year (below the national average: '<' reference).
#: - ``boolean``: a state achieved or not (value 1 = achieved, 0 = not).
TARGET_KINDS: tuple[str, ...] = (
    "threshold",
    "count",
    "reduction_vs_base",
    "change_vs_base",
    "trajectory",
    "trend",
    "rank",
    "vs_reference",
    "boolean",
)

#: Comparators.  Chinese wording: 超过/大于/高于 -> '>'; 以上/不低于/达到 -> '>=';
#: 不高于/以下/≤ -> '<='; 低于/小于 -> '<'; 均为/消除 -> '=='.
COMPARATORS: tuple[str, ...] = (">", ">=", "<=", "<", "==")

#: What kind of quantity an indicator measures.  Decides validation ranges and
#: whether changes are in percentage points (``rate``) or percent (the rest).
MEASURES: tuple[str, ...] = (
    "rate",  # a percentage 0-100; changes in percentage points
    "index",  # a score (satisfaction 0-100 index); changes in points and percent
    "level",  # a non-negative amount (money, emissions, counts of things per population)
    "concentration",  # a non-negative pollutant concentration
    "count",  # a non-negative number of things (integers)
    "rank",  # a position, 1 = best
    "boolean",  # 1 achieved, 0 not
    "signed",  # can be negative (e.g. a reported change)
)

#: Which direction is better for an indicator.
DIRECTIONS: tuple[str, ...] = ("higher_is_better", "lower_is_better", "none")

#: Basis of an observation.
BASES: tuple[str, ...] = (
    "official",  # published by a government body / statistical bulletin
    "research",  # a study's monitoring average, not an official figure
    "partial_year",  # covers part of the year only (note says which months)
    "derived",  # computed from other figures (note says how, both sources kept)
    "plan_text",  # a figure stated in a plan text (a goal or a baseline)
    "computed",  # computed by qclib from monitoring data (qclib.air)
    "period",  # a total or mean over several years (note says which), never one year's value
)

#: Attainment statuses (scorecard ``status`` column).  ``baseline_met`` and ``baseline``
#: are the statuses of a report year before the plan starts (:data:`BASELINE_STATUSES`).
STATUSES: tuple[str, ...] = (
    "met",
    "not_met",
    "on_track",
    "off_track",
    "baseline_met",
    "baseline",
    "no_data",
    "not_assessable",
)
STATUS_NAMES_ZH: dict[str, str] = {
    "met": "已达标",
    "not_met": "未达标",
    "on_track": "进度正常",
    "off_track": "进度滞后",
    "baseline_met": "规划前已达到目标值",
    "baseline": "基期水平",
    "no_data": "无数据",
    "not_assessable": "无法评估",
}

#: Statuses of a report year before the plan's start year (a baseline year), or of a figure
#: from before it ahead of the target year: the figure is compared with the target, but
#: there is no pace to judge.  ``baseline_met``: the figure
#: already satisfies the target value (the plan still asks for it in the target year, so
#: this is not 已达标); ``baseline``: it does not yet, or the target (a trend) cannot be
#: satisfied before the plan runs.
BASELINE_STATUSES: tuple[str, ...] = ("baseline_met", "baseline")

#: Statuses resting on a figure compared with the target (the others: no figure, or nothing
#: to compare with): the four verdicts and the two baseline statuses.
ASSESSED_STATUSES: tuple[str, ...] = ("met", "not_met", "on_track", "off_track", *BASELINE_STATUSES)

#: Eurostat-style progress categories.
PROGRESS_CATEGORIES: tuple[str, ...] = (
    "achieved",
    "significant",
    "moderate",
    "insufficient",
    "moving_away",
    "not_assessable",
)

#: Chinese names of the observation bases (for report tables).
BASIS_NAMES_ZH: dict[str, str] = {
    "official": "官方数据",
    "research": "研究值（非官方）",
    "partial_year": "部分年度",
    "derived": "推算值",
    "plan_text": "规划文本",
    "computed": "监测数据计算",
    "period": "多年合计（非单一年度）",
    "proxy": "相近指标近似值",  # assigned by the scorecard (a catalog proxy_indicator), never in a file
}

#: Bases that are never a year's value (shown apart, with the period they cover).
NOT_A_YEAR_BASES: tuple[str, ...] = ("partial_year", "period", "plan_text")

#: Chinese names of the registry units (axis labels, tables, sentences).
UNIT_NAMES_ZH: dict[str, str] = {
    "%": "%",
    "pp": "个百分点",
    "ug/m3": "微克/立方米",
    "mg/m3": "毫克/立方米",
    "score": "分",
    "index": "",
    "count": "个",
    "t": "吨",
    "10k t": "万吨",
    "days": "天",
    "rank": "位",
    "CNY 10k": "万元",
    "dB(A)": "分贝",
    "bool": "",
    "pH": "",
    "per 10k": "每万",
}

#: Chinese measure words (量词) a count indicator (unit ``count``) may state as its
#: ``measure_word`` in ``params/indicators*.yml``: the word the source documents print
#: after the number (专利10372件, 高新技术企业342家, 重点设备19037台).  The registry unit
#: ``count`` alone reads 个, which is wrong for most counts.
MEASURE_WORDS: tuple[str, ...] = (
    "个",
    "件",
    "家",
    "台",
    "项",
    "人",
    "名",
    "次",
    "起",
    "所",
    "条",
    "批次",
    "座",
    "处",
    "种",
    "张",
    "套",
    "辆",
)


#: Columns of an observation file, in order (what ``data/raw/`` files and
#: ``qc air annual`` outputs carry; see ``data/raw/README.md``).
OBSERVATION_FILE_COLUMNS: tuple[str, ...] = (
    "city",
    "indicator_id",
    "year",
    "value",
    "unit",
    "scope",
    "source",
    "source_detail",
    "basis",
    "note",
)

#: Who published the figure an observation rests on (optional column
#: ``source_kind`` of an observation file; ``shared/data/public_facts.csv``'s
#: classification by host name).  Rows of an analyst's own file without the
#: column are ``analyst``.
SOURCE_KINDS: tuple[str, ...] = (
    "official_document",  # a government document (a plan, an opinion, a bulletin as published)
    "official_site",  # a government web site (*.gov.cn): the publisher itself
    "media",  # a news outlet or trade press reporting the figure
    "academic",  # a peer-reviewed paper
    "aggregator",  # a site that collects government reports (the report's text, not the publisher)
    "mirror",  # a copy site: an unrelated host reproducing a release (转载，待核实)
    "analyst",  # the bureau's own figures, supplied by the analyst
)

#: Source kinds whose figures are never "official" in a report: the host is
#: not the publisher (转载).  A status resting on them is provisional (待核实).
REPRODUCED_SOURCE_KINDS: tuple[str, ...] = ("aggregator", "mirror")

#: Chinese names of the source kinds (report tables and the appendix).
SOURCE_KIND_NAMES_ZH: dict[str, str] = {
    "official_document": "政府文件",
    "official_site": "政府网站",
    "media": "新闻媒体",
    "academic": "学术文献",
    "aggregator": "报告汇编网站转载（非发布机构）",
    "mirror": "转载（非发布机构）",
    "analyst": "本单位填报",
}

#: Columns of a loaded, validated observation table: the file's columns, who
#: published each figure (``source_kind``, :data:`SOURCE_KINDS`) and where each
#: row came from (``file``, 1-based ``row``).  The one definition that
#: loaders, validation, the scorecard and the air statistics share.
OBSERVATION_COLUMNS: tuple[str, ...] = OBSERVATION_FILE_COLUMNS + ("source_kind", "file", "row")


#: Columns of the targets table, in order: what the catalog loader returns and the scorecard needs.
TARGET_COLUMNS: tuple[str, ...] = (
    "city",
    "target_id",
    "indicator_id",
    "domain",
    "name_zh",
    "name_en",
    "kind",
    "comparator",
    "target_value",
    "unit",
    "base_year",
    "base_value",
    "target_year",
    "target_year_inferred",
    "n_years",
    "reference",
    "scope",
    "numeric",
    "measure",
    "direction",
    "source_file",
    "source_section",
    "source_item",
    "source_clause",
    "plan_title",
    "doc_number",
    "note",
    "scope_strict",
    "proxy_indicator",
    "measure_word",
    "n_years_stated",
    "plan_start_year",
)

#: Target columns a hand-built targets frame may leave out (the scorecard reads
#: them as "not strict", "no proxy", no measure word, for a trend a number of
#: years the plan states, and "plan start unknown": no baseline year): see
#: ``params/README.md``.
OPTIONAL_TARGET_COLUMNS: tuple[str, ...] = (
    "scope_strict",
    "proxy_indicator",
    "measure_word",
    "n_years_stated",
    "plan_start_year",
)
