"""What a trial treats: one indication category from its conditions, MeSH terms and keywords.

Read from the record's condition MeSH terms and their ancestors (the registry's own mapping),
the conditions as registered, the keywords and the healthy-volunteer flag. The first category
in this order whose words appear wins, so a ketamine trial for depression during ECT is ``ect``,
a postpartum-depression trial run around a caesarean is ``perinatal_depression``, and a
perioperative trial is psychiatric only when it names a psychiatric condition.

| category | psychiatric | what it holds (words matched, whole words, any case) |
|---|---|---|
| ``ect`` | no | electroconvulsive therapy: ketamine as its anaesthetic or augmentation |
| ``perinatal_depression`` | yes | postpartum, postnatal, perinatal, antenatal, puerperal depression |
| ``bipolar_depression`` | yes | bipolar disorder or bipolar depression |
| ``suicidality`` | yes | suicidal ideation, suicide, suicidality |
| ``end_of_life_distress`` | yes | existential or end-of-life distress, demoralization, palliative or terminal illness; anxiety, depression or distress with cancer |
| ``ptsd`` | yes | post-traumatic stress (disorder), PTSD |
| ``ocd`` | yes | obsessive-compulsive disorder, OCD |
| ``eating_disorder`` | yes | anorexia or bulimia nervosa, binge eating, eating disorders |
| ``alcohol_use_disorder`` | yes | alcohol use disorder, alcoholism, alcohol dependence or abuse, heavy drinking |
| ``opioid_use_disorder`` | yes | opioid or opiate use disorder or dependence, heroin |
| ``tobacco_use_disorder`` | yes | tobacco use, smoking (cessation), nicotine dependence |
| ``other_substance_use_disorder`` | yes | substance use disorders, cocaine, methamphetamine, stimulant, cannabis use disorder, addiction |
| ``depression`` | yes | depression, depressive disorder (major, treatment-resistant), MDD, TRD, dysthymia |
| ``anxiety`` | yes | anxiety, generalized or social anxiety disorder, panic disorder |
| ``chronic_pain`` | no | chronic, neuropathic or cancer pain, fibromyalgia, CRPS, migraine, headache |
| ``acute_or_perioperative_pain`` | no | pain, postoperative pain, analgesia, hyperalgesia, fractures, renal colic |
| ``anaesthesia_or_sedation`` | no | anaesthesia, sedation, intubation, surgery, perioperative care, emergence delirium, postoperative nausea or recovery |
| ``healthy_volunteers`` | no | no condition above, and the record says healthy volunteers (flag or condition) |
| ``other`` | no | none of the above |

Nothing is left out because of its category: the column lets readers filter.
"""

import re
from collections.abc import Iterable, Sequence

# (category, words): order is priority; each pattern is matched as whole words, any case.
_CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ect", (r"electroconvulsive", r"ECT", r"electro-?convulsive therapy")),
    (
        "perinatal_depression",
        (
            r"(?:postpartum|post-partum|postnatal|post-natal|perinatal|peripartum|antenatal|"
            r"prenatal|puerperal) depressions?",
            r"depression,? postpartum",
            r"PPD",
        ),
    ),
    ("bipolar_depression", (r"bipolar",)),
    ("suicidality", (r"suicid\w*",)),
    (
        "end_of_life_distress",
        (
            r"end[- ]of[- ]life",
            r"existential",
            r"demorali[sz]ation",
            r"palliative",
            r"terminal(?:ly)? ill(?:ness)?",
            r"life[- ]threatening",
            r"cancer[- ]related (?:distress|anxiety|depression)",
        ),
    ),
    (
        "ptsd",
        (r"PTSD", r"post[- ]?traumatic stress\w*", r"stress disorders?,? post[- ]?traumatic"),
    ),
    ("ocd", (r"OCD", r"obsessive[- ]compulsive\w*")),
    (
        "eating_disorder",
        (
            r"anorexia nervosa",
            r"bulimi\w*",
            r"binge[- ]eating",
            r"eating disorders?",
            r"feeding and eating disorders",
        ),
    ),
    (
        "alcohol_use_disorder",
        (
            r"alcohol\w*(?: use)? (?:use disorder|disorders?|dependence|abuse|addiction)",
            r"alcohol use",
            r"alcoholism",
            r"AUD",
            r"heavy drinking",
            r"alcohol drinking",
        ),
    ),
    (
        "opioid_use_disorder",
        (
            r"opioid[- ]related disorders?",
            r"opi(?:oid|ate)s? (?:use disorder|dependence|addiction|abuse|withdrawal)",
            r"OUD",
            r"heroin(?: dependence)?",
        ),
    ),
    (
        "tobacco_use_disorder",
        (r"tobacco\w*", r"smoking(?: cessation)?", r"nicotine dependence", r"cigarette\w*"),
    ),
    (
        "other_substance_use_disorder",
        (
            r"substance[- ](?:use|related|abuse)\w*(?: disorders?)?",
            r"substance dependence",
            r"cocaine\w*",
            r"(?:meth)?amphetamine[- ]related disorders?",
            r"methamphetamine (?:use|dependence|addiction)\w*",
            r"stimulant (?:use|dependence)\w*",
            r"cannabis use disorders?",
            r"marijuana abuse",
            r"addiction\w*",
            r"SUD",
        ),
    ),
    (
        "depression",
        (
            r"(?<!respiratory )(?<!ventilatory )(?<!CNS )depressions?",
            r"depressive\w*(?: disorders?)?",
            r"depressed",
            r"MDD",
            r"TRD",
            r"dysthymi\w*",
            r"mood disorders?",
        ),
    ),
    (
        "anxiety",
        (
            r"(?<!preoperative )(?<!pre-operative )(?<!perioperative )(?<!dental )anxiety\w*",
            r"anxious",
            r"panic disorders?",
            r"social phobia",
            r"phobic disorders?",
        ),
    ),
    (
        "chronic_pain",
        (
            r"chronic pain",
            r"neuropathic pain",
            r"neuralgia",
            r"cancer pain",
            r"fibromyalgia",
            r"complex regional pain syndromes?",
            r"CRPS",
            r"migraine\w*",
            r"headaches?",
            r"cluster headache",
            r"chronic (?:low )?back pain",
            r"phantom limb",
        ),
    ),
    (
        "acute_or_perioperative_pain",
        (r"pain\w*", r"analgesi\w*", r"hyperalgesia", r"fractures?", r"renal colic"),
    ),
    (
        "anaesthesia_or_sedation",
        (
            r"an(?:a)?esthe\w*",
            r"sedation",
            r"sedative",
            r"intubation",
            r"surg\w*",
            r"perioperative",
            r"postoperative\w*",
            r"post-operative\w*",
            r"intraoperative",
            r"emergence (?:delirium|agitation)",
            r"delirium",
            r"cesarean\w*",
            r"caesarean\w*",
            r"endoscop\w*",
            r"colonoscop\w*",
            r"PONV",
            r"mechanical ventilation",
            r"quality of recovery",
            r"(?:preoperative|pre-operative|perioperative|dental) anxiety",
        ),
    ),
)

CATEGORIES: tuple[str, ...] = (
    *(category for category, _ in _CATEGORY_WORDS),
    "healthy_volunteers",
    "other",
)
PSYCHIATRIC: frozenset[str] = frozenset(
    {
        "perinatal_depression",
        "bipolar_depression",
        "suicidality",
        "end_of_life_distress",
        "ptsd",
        "ocd",
        "eating_disorder",
        "alcohol_use_disorder",
        "opioid_use_disorder",
        "tobacco_use_disorder",
        "other_substance_use_disorder",
        "depression",
        "anxiety",
    }
)
_CASE_SENSITIVE = {"ECT", "PPD", "PTSD", "OCD", "AUD", "OUD", "SUD", "MDD", "TRD", "CRPS", "PONV"}
_CANCER = re.compile(
    r"(?<![A-Za-z0-9])(?:cancer\w*|neoplasms?|tumou?rs?|malignan\w*|oncolog\w*)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_DISTRESS = re.compile(
    r"(?<![A-Za-z0-9])(?:anxiety|depressi\w*|distress)(?![A-Za-z0-9])", re.IGNORECASE
)


def _alternative(category: str, index: int, words: Sequence[str]) -> str:
    sensitive = [w for w in words if w in _CASE_SENSITIVE]
    insensitive = [w for w in words if w not in _CASE_SENSITIVE]
    parts = []
    if insensitive:
        parts.append(f"(?i:{'|'.join(insensitive)})")
    parts += sensitive
    return f"(?P<c{index}>{'|'.join(parts)})"


_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    + "|".join(_alternative(c, i, words) for i, (c, words) in enumerate(_CATEGORY_WORDS))
    + r")(?![A-Za-z0-9])"
)
_GROUP_CATEGORY = {f"c{i}": c for i, (c, _) in enumerate(_CATEGORY_WORDS)}
_RANK = {c: i for i, c in enumerate(CATEGORIES[:-2])}


_CANCER_WITH_DISTRESS = ("cancer", "distress")
_MAX_REMEMBERED = 100_000
_seen: dict[str, frozenset[str]] = {}


def categories_named(text: str) -> frozenset[str]:
    """Every category whose words appear in one text, before priority is applied; "cancer" and
    "distress" mark the two halves of end-of-life distress told across several conditions.

    Conditions and MeSH terms repeat across thousands of trials, so each text is read once.
    """
    found = _seen.get(text)
    if found is None:
        named = {_GROUP_CATEGORY[m.lastgroup] for m in _PATTERN.finditer(text) if m.lastgroup}
        if _CANCER.search(text):
            named.add("cancer")
        if _DISTRESS.search(text):
            named.add("distress")
        if len(_seen) >= _MAX_REMEMBERED:
            _seen.clear()
        found = _seen[text] = frozenset(named)
    return found


def indication_category(
    conditions: Iterable[str],
    keywords: Iterable[str] = (),
    mesh_terms: Iterable[str] = (),
    mesh_ancestors: Iterable[str] = (),
    healthy_volunteers: bool | None = None,
) -> str:
    """One category of ``CATEGORIES`` for a trial (see the table above)."""
    found: set[str] = set()
    healthy = bool(healthy_volunteers)
    for texts in (conditions, mesh_terms, keywords, mesh_ancestors):
        for text in texts:
            found |= categories_named(text)
            healthy = healthy or "healthy" in text.lower()
    if "cancer" in found and "distress" in found:
        found.add("end_of_life_distress")
    ranked = [c for c in found if c in _RANK]
    if ranked:
        return min(ranked, key=_RANK.__getitem__)
    return "healthy_volunteers" if healthy else "other"
