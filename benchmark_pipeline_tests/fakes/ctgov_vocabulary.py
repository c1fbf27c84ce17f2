"""Word lists the fake trial generator draws from: drug names, conditions, places, outcomes."""

# modality -> the spellings a registry record may use for it. Kept apart from the pipeline's own
# vocabulary on purpose: the fake describes the registry, so a term the pipeline drops shows up
# as trials it misses instead of silently moving both sides.
MODALITY_TERMS: dict[str, tuple[str, ...]] = {
    "psilocybin": ("psilocybin", "psilocin", "magic mushroom"),
    "mdma": ("MDMA", "3,4-methylenedioxymethamphetamine", "methylenedioxymethamphetamine"),
    "ketamine": ("ketamine",),
    "esketamine": ("esketamine", "Spravato"),
    "lsd": ("lysergic acid diethylamide", "LSD-25", "LSD"),
    "ayahuasca": ("ayahuasca",),
    "dmt": ("dimethyltryptamine", "DMT", "N,N-DMT"),
    "ibogaine": ("ibogaine",),
    "mescaline": ("mescaline", "peyote"),
    "arketamine": ("arketamine", "R-ketamine", "PCN-101", "PRT042"),
    "5-meo-dmt": (
        "5-MeO-DMT",
        "5-methoxy-N,N-dimethyltryptamine",
        "5 Methoxy N,N Dimethyltryptamine",
        "mebufotenin",
        "GH001",
        "GH002",
        "BPL-003",
    ),
    "methylone": ("methylone", "TSND-201"),
}

# Rough share of each modality among registered psychedelic trials; ketamine dominates.
MODALITY_WEIGHTS: dict[str, int] = {
    "ketamine": 34,
    "psilocybin": 22,
    "esketamine": 13,
    "mdma": 10,
    "lsd": 7,
    "dmt": 5,
    "ayahuasca": 4,
    "ibogaine": 3,
    "mescaline": 2,
    "arketamine": 2,
    "5-meo-dmt": 3,
    "methylone": 1,
}

# modality -> (intervention name, other names) as sponsors actually register them.
INTERVENTION_NAMES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "psilocybin": (
        ("Psilocybin", ()),
        ("Psilocybin 25 mg", ("COMP360",)),
        ("COMP360", ("psilocybin",)),
        ("Psilocybin-assisted therapy", ("psilocin", "magic mushroom")),
    ),
    "mdma": (
        ("MDMA-assisted therapy", ("midomafetamine", "3,4-methylenedioxymethamphetamine")),
        ("Midomafetamine", ("MDMA",)),
        ("MDMA", ("methylenedioxymethamphetamine",)),
    ),
    "ketamine": (
        ("Ketamine", ()),
        ("Ketamine hydrochloride", ("Ketalar",)),
        ("Intravenous ketamine infusion", ()),
        ("Ketalar", ("ketamine",)),
    ),
    "esketamine": (
        ("Esketamine", ("Spravato",)),
        ("Esketamine nasal spray", ("JNJ-54135419", "Spravato")),
        ("Spravato", ()),
        # Matched by a "ketamine" search at a word boundary, as on the real registry.
        ("Esketamine hydrochloride", ("S-ketamine",)),
    ),
    "lsd": (
        ("Lysergic acid diethylamide", ("LSD",)),
        ("LSD", ("lysergide",)),
        ("MM120", ("LSD-25", "lysergide D-tartrate")),
    ),
    "ayahuasca": (("Ayahuasca", ()), ("Ayahuasca brew", ("hoasca",))),
    "dmt": (
        ("N,N-Dimethyltryptamine", ("DMT",)),
        ("SPL026", ("N,N-DMT", "dimethyltryptamine fumarate")),
        ("DMT", ("N,N-dimethyltryptamine",)),
    ),
    "ibogaine": (("Ibogaine hydrochloride", ()), ("Ibogaine", ("iboga alkaloid",))),
    "mescaline": (("Mescaline", ()), ("Mescaline hydrochloride", ("peyote alkaloid",))),
    # Found by a "ketamine" search (the word is there), labelled arketamine by their names.
    "arketamine": (
        ("PCN-101", ("R-ketamine",)),
        ("Arketamine hydrochloride", ()),
        ("R-ketamine", ("arketamine",)),
    ),
    # Found by a "dimethyltryptamine" search, labelled 5-MeO-DMT by their names.
    "5-meo-dmt": (
        ("GH001", ("5-MeO-DMT", "mebufotenin")),
        ("5 Methoxy N,N Dimethyltryptamine", ()),
        ("BPL-003", ("mebufotenin benzoate",)),
    ),
    "methylone": (("Methylone", ("TSND-201",)), ("TSND-201", ("methylone",))),
}

# Interventions of trials that are no psychedelic trial although a bare "DMT" names them: a
# multiple-sclerosis disease-modifying therapy, dance/movement therapy.
ACRONYM_NOISE: tuple[tuple[str, str, str], ...] = (
    ("DRUG", "Disease-modifying therapy (DMT)", "Multiple Sclerosis"),
    ("BEHAVIORAL", "Dance/Movement Therapy (DMT)", "Generalized Anxiety Disorder"),
)

# Comparators and co-interventions that carry no psychedelic term.
COMPARATORS: tuple[tuple[str, str], ...] = (
    ("DRUG", "Placebo"),
    ("DRUG", "Midazolam"),
    ("DRUG", "Niacin"),
    ("DRUG", "Escitalopram"),
    ("BEHAVIORAL", "Psychological support"),
    ("BEHAVIORAL", "Cognitive behavioral therapy"),
    ("OTHER", "Electroconvulsive therapy"),
)

OUTCOMES: tuple[tuple[str, str], ...] = (
    (
        "Change in Montgomery-Asberg Depression Rating Scale (MADRS) total score",
        "Baseline to Week 6",
    ),
    (
        "Change in Clinician-Administered PTSD Scale (CAPS-5) total severity score",
        "Baseline to Week 18",
    ),
    ("Percentage of heavy drinking days", "Weeks 5 to 36"),
    ("Change in Hamilton Depression Rating Scale (GRID-HAMD-17) score", "Baseline to Day 43"),
    ("Number of participants with treatment-emergent adverse events", "Up to 12 weeks"),
    ("Change in Hamilton Anxiety Rating Scale (HAM-A) total score", "Baseline to Week 12"),
)

# country -> (city, lat, lon) triples.
PLACES: dict[str, tuple[tuple[str, float, float], ...]] = {
    "United States": (
        ("Baltimore", 39.29038, -76.61219),
        ("New York", 40.71427, -74.00597),
        ("San Francisco", 37.77493, -122.41942),
        ("Madison", 43.07305, -89.40123),
        ("Charleston", 32.77657, -79.93092),
    ),
    "Canada": (("Toronto", 43.70011, -79.4163), ("Montreal", 45.50884, -73.58781)),
    "United Kingdom": (("London", 51.50853, -0.12574), ("Manchester", 53.48095, -2.23743)),
    "Netherlands": (("Maastricht", 50.84833, 5.68889), ("Amsterdam", 52.37403, 4.88969)),
    "Switzerland": (("Basel", 47.55839, 7.57327), ("Zurich", 47.36667, 8.55)),
    "Germany": (("Mannheim", 49.4891, 8.46694), ("Berlin", 52.52437, 13.41053)),
    "Brazil": (("Natal", -5.795, -35.20944), ("Sao Paulo", -23.5475, -46.63611)),
    "Australia": (("Melbourne", -37.814, 144.96332),),
    "Czechia": (("Klecany", 50.17605, 14.41163),),
    "Israel": (("Beer Yaakov", 31.94273, 34.83547),),
    "China": (("Shanghai", 31.22222, 121.45806), ("Beijing", 39.9075, 116.39723)),
}

FACILITIES: tuple[str, ...] = (
    "University Hospital",
    "Center for Psychedelic Research",
    "Department of Psychiatry",
    "Clinical Research Unit",
    "Medical Center",
)

SPONSORS: tuple[str, ...] = (
    "Johns Hopkins University",
    "Imperial College London",
    "COMPASS Pathways",
    "Lykos Therapeutics",
    "Janssen Research & Development, LLC",
    "University Health Network, Toronto",
    "MindMed, Inc.",
    "Usona Institute",
    "University Hospital, Basel, Switzerland",
)
