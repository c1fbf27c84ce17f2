"""The columns of posted results as rows: name -> (PostgreSQL type, meaning), and natural keys.

``MEASUREMENT_COLUMNS`` is one row per trial x outcome measure x group x class x category, the
shape a ``benchmark_trial_results`` table mirrors on ``MEASUREMENT_KEY``; ``ANALYSIS_COLUMNS``
is one row per between-group analysis, keyed by ``ANALYSIS_KEY``. Every ``*_text`` column
holds the string exactly as posted; its numeric twin holds it as an exact number only when the
whole string is one (``lib/trials/results/numbers.py``), and ``numeric_note`` says why not.
"""

_NOTE = (
    "text",
    "Why a posted string has no number: e.g. \"value 'NA': not a number\", \"spread '1e400': "
    'not a finite number"; NULL when every posted string is a number',
)
MEASUREMENT_COLUMNS: dict[str, tuple[str, str]] = {
    "nct_id": ("text", "ClinicalTrials.gov id of the trial"),
    "last_update_date": ("date", "The record's last update post date when its results were read"),
    "outcome_type": ("text", "PRIMARY, SECONDARY, OTHER_PRE_SPECIFIED or POST_HOC, as posted"),
    "measure_no": ("integer", "1-based position of the outcome measure in the posted list"),
    "title": ("text", "The outcome measure's title as posted"),
    "description": ("text", "The outcome measure's description as posted"),
    "population_description": ("text", "Who was analysed, as posted"),
    "time_frame": ("text", "The outcome measure's time frame as posted"),
    "unit_of_measure": ("text", "Unit of the values as posted, e.g. 'score on a scale'"),
    "param_type": ("text", "MEAN, LEAST_SQUARES_MEAN, MEDIAN, NUMBER, COUNT_OF_PARTICIPANTS ..."),
    "dispersion_type": ("text", "What spread or limits are, as posted: 'Standard Deviation' ..."),
    "reporting_status": ("text", "POSTED or NOT_POSTED"),
    "group_id": ("text", "The group's id within the measure, e.g. OG000"),
    "group_title": ("text", "The group's (arm's) title as posted"),
    "group_description": ("text", "The group's description as posted"),
    "class_no": ("integer", "1-based position of the class (often a time point) in the measure"),
    "class_title": ("text", "The class's title as posted (often a time point, e.g. 'Week 3')"),
    "category_no": ("integer", "1-based position of the category within its class"),
    "category_title": ("text", "The category's title as posted (e.g. 'Responder')"),
    "value_text": ("text", "The value exactly as posted"),
    "value": ("numeric", "value_text as an exact number, when it is one"),
    "spread_text": ("text", "The spread (SD, SE ...) exactly as posted"),
    "spread": ("numeric", "spread_text as an exact number, when it is one"),
    "lower_limit_text": ("text", "The lower limit (of a CI, IQR, range) exactly as posted"),
    "lower_limit": ("numeric", "lower_limit_text as an exact number, when it is one"),
    "upper_limit_text": ("text", "The upper limit exactly as posted"),
    "upper_limit": ("numeric", "upper_limit_text as an exact number, when it is one"),
    "comment": ("text", "The measurement's comment, e.g. why a value is missing"),
    "analysed_n": ("integer", "The group's 'Participants' denom count (class level first)"),
    "analysed_n_level": ("text", "Where analysed_n came from: class or measure"),
    "denom_units": ("text[]", "Units of the denoms posted for this class and measure"),
    "denom_units_selected": ("text", "The unit the measure's values count, as posted"),
    "numeric_note": _NOTE,
}
MEASUREMENT_KEY = ["nct_id", "measure_no", "group_id", "class_no", "category_no"]

ANALYSIS_COLUMNS: dict[str, tuple[str, str]] = {
    "nct_id": ("text", "ClinicalTrials.gov id of the trial"),
    "measure_no": ("integer", "1-based position of the outcome measure analysed"),
    "analysis_no": ("integer", "1-based position of the analysis within the measure"),
    "group_ids": ("text[]", "The groups compared, as posted"),
    "group_description": ("text", "The comparison as the sponsor describes it"),
    "param_type": ("text", "The estimate, as posted: 'Mean Difference (Net)', 'Hazard Ratio'"),
    "param_value_text": ("text", "The estimate exactly as posted"),
    "param_value": ("numeric", "param_value_text as an exact number, when it is one"),
    "dispersion_type": ("text", "STANDARD_DEVIATION or STANDARD_ERROR_OF_MEAN"),
    "dispersion_value_text": ("text", "The estimate's dispersion exactly as posted"),
    "dispersion_value": ("numeric", "dispersion_value_text as an exact number"),
    "ci_pct_value_text": ("text", "The confidence level, e.g. '95'"),
    "ci_num_sides": ("text", "ONE_SIDED or TWO_SIDED"),
    "ci_lower_limit_text": ("text", "The interval's lower limit exactly as posted"),
    "ci_lower_limit": ("numeric", "ci_lower_limit_text as an exact number"),
    "ci_upper_limit_text": ("text", "The interval's upper limit exactly as posted"),
    "ci_upper_limit": ("numeric", "ci_upper_limit_text as an exact number"),
    "p_value_text": ("text", "The p value exactly as posted, e.g. '<0.001'"),
    "p_value": ("numeric", "p_value_text as an exact number, only when it is one ('0.03')"),
    "statistical_method": ("text", "The test, e.g. 'Mixed Models Analysis'"),
    "non_inferiority_type": ("text", "SUPERIORITY, NON_INFERIORITY ... as posted"),
    "estimate_comment": ("text", "The sponsor's comment on the estimate"),
    "numeric_note": _NOTE,
}
ANALYSIS_KEY = ["nct_id", "measure_no", "analysis_no"]
