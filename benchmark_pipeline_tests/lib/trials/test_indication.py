import pytest

from benchmark_pipeline.lib.trials import indication
from benchmark_pipeline.lib.trials.indication import CATEGORIES, PSYCHIATRIC, indication_category


@pytest.mark.parametrize(
    ("conditions", "category"),
    [
        (["Treatment Resistant Depression"], "depression"),
        (["Major Depressive Disorder", "Anxiety"], "depression"),
        (["Bipolar Depression"], "bipolar_depression"),
        (["Postpartum Depression", "Cesarean Section"], "perinatal_depression"),
        (["Suicidal Ideation", "Major Depressive Disorder"], "suicidality"),
        (["PTSD"], "ptsd"),
        (["Generalized Anxiety Disorder"], "anxiety"),
        (["Cancer", "Anxiety", "Depression"], "end_of_life_distress"),
        (["Existential Distress"], "end_of_life_distress"),
        (["Alcohol Use Disorder"], "alcohol_use_disorder"),
        (["Opioid Use Disorder"], "opioid_use_disorder"),
        (["Tobacco Use Disorder", "Smoking Cessation"], "tobacco_use_disorder"),
        (["Cocaine Use Disorder"], "other_substance_use_disorder"),
        (["Obsessive-Compulsive Disorder"], "ocd"),
        (["Anorexia Nervosa"], "eating_disorder"),
        (["Fibromyalgia"], "chronic_pain"),
        (["Cluster Headache"], "chronic_pain"),
        (["Postoperative Pain", "Anesthesia"], "acute_or_perioperative_pain"),
        (["Esketamine", "Major Surgery"], "anaesthesia_or_sedation"),
        (["Respiratory Depression", "Sedation"], "anaesthesia_or_sedation"),
        (["Preoperative Anxiety"], "anaesthesia_or_sedation"),
        (["Depression", "Electroconvulsive Therapy"], "ect"),
        (["Healthy Volunteers"], "healthy_volunteers"),
        (["Breast Cancer"], "other"),
    ],
)
def test_conditions_as_registered(conditions, category):
    assert indication_category(conditions) == category


def test_mesh_terms_and_ancestors_decide_when_the_text_does_not():
    assert indication_category(["Diamorphine"], mesh_ancestors=["Opioid-Related Disorders"]) == (
        "opioid_use_disorder"
    )
    assert (
        indication_category(["Persistent low mood"], mesh_terms=["Dysthymic Disorder"])
        == "depression"
    )


def test_keywords_and_the_healthy_volunteer_flag():
    assert indication_category(["Psilocybin"], keywords=["smoking cessation"]) == (
        "tobacco_use_disorder"
    )
    assert indication_category(["Pharmacokinetics"], healthy_volunteers=True) == (
        "healthy_volunteers"
    )
    # A patient trial that also accepts healthy volunteers is about its condition.
    assert indication_category(["Depression"], healthy_volunteers=True) == "depression"
    assert indication_category(["Pharmacokinetics"], healthy_volunteers=False) == "other"


def test_the_vocabulary_is_documented_in_the_module():
    assert len(CATEGORIES) == 19 and len(set(CATEGORIES)) == 19
    for category in CATEGORIES:
        assert f"``{category}``" in indication.__doc__
    assert PSYCHIATRIC < set(CATEGORIES)
    assert not {"anaesthesia_or_sedation", "ect", "healthy_volunteers", "other"} & PSYCHIATRIC
