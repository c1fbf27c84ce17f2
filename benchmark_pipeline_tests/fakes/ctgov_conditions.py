"""Conditions the fake trials are drawn for: per modality, with the MeSH terms and ancestors the
registry derives for each, and the indication category the pipeline should find (ground truth)."""

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
