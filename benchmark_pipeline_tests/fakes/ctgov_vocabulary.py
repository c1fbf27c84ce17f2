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

CONDITIONS: dict[str, tuple[str, ...]] = {
    "arketamine": ("Treatment Resistant Depression",),
    "5-meo-dmt": ("Treatment Resistant Depression", "Major Depressive Disorder"),
    "methylone": ("Post Traumatic Stress Disorder",),
    "psilocybin": (
        "Treatment Resistant Depression",
        "Major Depressive Disorder",
        "Alcohol Use Disorder",
        "Anorexia Nervosa",
        "Cancer-related Distress",
    ),
    "mdma": ("Post Traumatic Stress Disorder", "Alcohol Use Disorder", "Social Anxiety"),
    "ketamine": (
        "Treatment Resistant Depression",
        "Suicidal Ideation",
        "Postoperative Pain",
        "Bipolar Depression",
        "Post Traumatic Stress Disorder",
        "Anesthesia",
        "Electroconvulsive Therapy",
    ),
    "esketamine": (
        "Treatment Resistant Depression",
        "Major Depressive Disorder",
        "Postpartum Depression",
        "Postoperative Pain",
    ),
    "lsd": ("Generalized Anxiety Disorder", "Cluster Headache", "Major Depressive Disorder"),
    "ayahuasca": ("Depression", "Substance Use Disorders"),
    "dmt": ("Major Depressive Disorder", "Healthy Volunteers"),
    "ibogaine": ("Opioid Use Disorder", "Traumatic Brain Injury"),
    "mescaline": ("Healthy Volunteers", "Alcohol Use Disorder"),
    "none": ("Major Depressive Disorder", "Generalized Anxiety Disorder"),
}

_MENTAL = "Mental Disorders"
_MOOD = ("Depressive Disorder", "Mood Disorders", _MENTAL)
_SUBSTANCE = ("Substance-Related Disorders", "Chemically-Induced Disorders", _MENTAL)
# condition as registered -> (its MeSH terms, their ancestors), as the registry derives them.
CONDITION_MESH: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Treatment Resistant Depression": (("Depressive Disorder, Treatment-Resistant",), _MOOD),
    "Major Depressive Disorder": (("Depressive Disorder, Major",), _MOOD),
    "Depression": (("Depression",), ("Behavioral Symptoms",)),
    "Alcohol Use Disorder": (("Alcoholism",), ("Alcohol-Related Disorders", *_SUBSTANCE)),
    "Anorexia Nervosa": (("Anorexia Nervosa",), ("Feeding and Eating Disorders", _MENTAL)),
    "Cancer-related Distress": (
        ("Psychological Distress",),
        ("Stress, Psychological", "Behavioral Symptoms"),
    ),
    "Post Traumatic Stress Disorder": (
        ("Stress Disorders, Post-Traumatic",),
        ("Stress Disorders, Traumatic", "Trauma and Stressor Related Disorders", _MENTAL),
    ),
    "Social Anxiety": (("Phobia, Social",), ("Phobic Disorders", "Anxiety Disorders", _MENTAL)),
    "Suicidal Ideation": (
        ("Suicidal Ideation",),
        ("Suicide", "Self-Injurious Behavior", "Behavioral Symptoms"),
    ),
    "Postoperative Pain": (
        ("Pain, Postoperative",),
        ("Postoperative Complications", "Pathologic Processes", "Pain"),
    ),
    "Bipolar Depression": (
        ("Bipolar Disorder", "Depression"),
        ("Bipolar and Related Disorders", "Mood Disorders", _MENTAL, "Behavioral Symptoms"),
    ),
    "Generalized Anxiety Disorder": (("Anxiety Disorders",), (_MENTAL,)),
    "Cluster Headache": (
        ("Cluster Headache",),
        ("Trigeminal Autonomic Cephalalgias", "Headache Disorders, Primary", "Headache Disorders"),
    ),
    "Substance Use Disorders": (("Substance-Related Disorders",), _SUBSTANCE[1:]),
    "Opioid Use Disorder": (
        ("Opioid-Related Disorders",),
        ("Narcotic-Related Disorders", *_SUBSTANCE),
    ),
    "Traumatic Brain Injury": (
        ("Brain Injuries, Traumatic",),
        ("Brain Injuries", "Brain Diseases", "Craniocerebral Trauma", "Wounds and Injuries"),
    ),
    "Postpartum Depression": (
        ("Depression, Postpartum",),
        ("Puerperal Disorders", "Pregnancy Complications", "Depression", "Behavioral Symptoms"),
    ),
    "Multiple Sclerosis": (
        ("Multiple Sclerosis",),
        ("Demyelinating Autoimmune Diseases, CNS", "Autoimmune Diseases of the Nervous System"),
    ),
    "Healthy Volunteers": ((), ()),
    "Anesthesia": ((), ()),
    "Electroconvulsive Therapy": ((), ()),
}
# The indication category the pipeline should derive for each condition (ground truth).
CONDITION_CATEGORY: dict[str, str] = {
    "Treatment Resistant Depression": "depression",
    "Major Depressive Disorder": "depression",
    "Depression": "depression",
    "Alcohol Use Disorder": "alcohol_use_disorder",
    "Anorexia Nervosa": "eating_disorder",
    "Cancer-related Distress": "end_of_life_distress",
    "Post Traumatic Stress Disorder": "ptsd",
    "Social Anxiety": "anxiety",
    "Suicidal Ideation": "suicidality",
    "Postoperative Pain": "acute_or_perioperative_pain",
    "Bipolar Depression": "bipolar_depression",
    "Generalized Anxiety Disorder": "anxiety",
    "Cluster Headache": "chronic_pain",
    "Substance Use Disorders": "other_substance_use_disorder",
    "Opioid Use Disorder": "opioid_use_disorder",
    "Traumatic Brain Injury": "other",
    "Postpartum Depression": "perinatal_depression",
    "Multiple Sclerosis": "other",
    "Healthy Volunteers": "healthy_volunteers",
    "Anesthesia": "anaesthesia_or_sedation",
    "Electroconvulsive Therapy": "ect",
}

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
