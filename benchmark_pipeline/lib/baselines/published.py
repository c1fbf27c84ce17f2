"""The frequencies SAMHSA's TEDS-D codebooks publish for a whole year, to check a load against.

Every figure below was read from the codebook PDF named in its ``PublishedYear`` (SAMHSA/CBHSQ,
the "Variable Descriptions and Frequencies" tables), at the PDF page given per variable; the PDFs
were read from the copies in github.com/kabellhart/teds-processing, ``source-pdfs/`` (commit
e53f31e). Two parses agree on every figure: this one and that repository's own CSVs
(``TEDS-D-<year>-DS0001-info-codebook*_codes*.csv``, same commit), except that its 2015 CSV
lost the minus sign of SUB1 -9 and its 2016 CSV
the last digit of AGE 10. Each variable's frequencies sum to the year's DISYR total.
The recommended citation of each year is the codebook's own (PDF page 2).

The sex variable is keyed SEX here; the 2015-2019 codebooks call it GENDER.

Years missing here (2020 onward) have no figures checked against them; the check says so.
"""

from dataclasses import dataclass

CODEBOOK_COPIES = "github.com/kabellhart/teds-processing, source-pdfs/ (commit e53f31e)"


@dataclass(frozen=True)
class PublishedYear:
    year: int
    codebook: str  # the PDF's file name as SAMHSA distributes it
    citation: str  # the codebook's recommended citation of the data file
    pages: dict[str, int]  # variable -> PDF page of its frequency table
    frequencies: dict[str, dict[int, int]]  # variable -> code -> discharges

    @property
    def total(self) -> int:
        return self.frequencies["DISYR"][self.year]

    def source(self, variable: str) -> str:
        return f"{self.codebook}, PDF page {self.pages[variable]}"


def _pages(**pages: int) -> dict[str, int]:
    return pages


# Laid out as the codebooks print them, a handful of codes a line.
# fmt: off
PUBLISHED: dict[int, PublishedYear] = {
    p.year: p
    for p in (
        PublishedYear(
            2015,
            "TEDS-D-2015-DS0001-info-codebook.pdf",
            "Substance Abuse and Mental Health Services Administration, Treatment Episode Data "
            "Set (TEDS) Discharges, 2015. Rockville, MD: Substance Abuse and Mental Health "
            "Services Administration, 2018.",
            _pages(DISYR=13, AGE=14, SEX=15, REGION=35, REASON=41, NOPRIOR=46, SUB1=48),
            {
                "DISYR": {2015: 1_420_316},
                "AGE": {1: 10_835, 2: 55_232, 3: 60_619, 4: 162_474, 5: 251_675, 6: 222_203,
                        7: 161_984, 8: 129_599, 9: 131_549, 10: 119_543, 11: 101_354,
                        12: 13_249},
                "SEX": {1: 934_420, 2: 485_542, -9: 354},
                "REGION": {0: 1_623, 1: 526_381, 2: 278_048, 3: 265_692, 4: 348_572},
                "REASON": {1: 616_814, 2: 382_769, 3: 101_239, 4: 222_740, 5: 29_777, 6: 3_362,
                           7: 63_615},
                "NOPRIOR": {0: 478_131, 1: 825_883, -9: 116_302},
                "SUB1": {1: 9_892, 2: 479_412, 3: 72_049, 4: 207_956, 5: 347_015, 6: 3_049,
                         7: 109_671, 8: 4_266, 9: 1_955, 10: 140_788, 11: 7_302, 12: 912,
                         13: 13_809, 14: 228, 15: 1_120, 16: 1_547, 17: 696, 18: 745,
                         19: 7_784, -9: 10_120},
            },
        ),
        PublishedYear(
            2016,
            "TEDS-D-2016-DS0001-info-codebook.pdf",
            "Substance Abuse and Mental Health Services Administration, Treatment Episode Data "
            "Set (TEDS) Discharges, 2016. Rockville, MD: Substance Abuse and Mental Health "
            "Services Administration, 2018.",
            _pages(DISYR=13, AGE=14, SEX=15, REGION=35, REASON=41, NOPRIOR=46, SUB1=48),
            {
                "DISYR": {2016: 1_458_045},
                "AGE": {1: 9_858, 2: 51_311, 3: 56_734, 4: 155_887, 5: 265_169, 6: 236_050,
                        7: 179_903, 8: 128_761, 9: 130_976, 10: 119_886, 11: 109_042,
                        12: 14_468},
                "SEX": {1: 951_949, 2: 505_611, -9: 485},
                "REGION": {0: 1_604, 1: 527_458, 2: 289_483, 3: 313_044, 4: 326_456},
                "REASON": {1: 630_047, 2: 402_642, 3: 98_744, 4: 233_809, 5: 29_743, 6: 3_514,
                           7: 59_546},
                "NOPRIOR": {0: 470_530, 1: 840_975, -9: 146_540},
                "SUB1": {1: 13_880, 2: 474_009, 3: 73_762, 4: 204_148, 5: 364_680, 6: 2_804,
                         7: 111_313, 8: 4_182, 9: 1_758, 10: 156_742, 11: 7_671, 12: 1_443,
                         13: 16_006, 14: 182, 15: 1_116, 16: 1_655, 17: 730, 18: 713,
                         19: 9_156, -9: 12_095},
            },
        ),
        PublishedYear(
            2017,
            "TEDS-D-2017-DS0001-info-codebook.pdf",
            "Substance Abuse and Mental Health Services Administration, Treatment Episode Data "
            "Set (TEDS), 2017. Rockville, MD: Substance Abuse and Mental Health Services "
            "Administration, 2019.",
            _pages(DISYR=13, AGE=14, SEX=15, REGION=34, REASON=40, NOPRIOR=45, SUB1=47),
            {
                "DISYR": {2017: 1_661_207},
                "AGE": {1: 9_226, 2: 49_110, 3: 56_757, 4: 158_035, 5: 301_237, 6: 277_936,
                        7: 221_327, 8: 151_677, 9: 147_643, 10: 135_998, 11: 134_319,
                        12: 17_942},
                "SEX": {1: 1_082_253, 2: 578_541, -9: 413},
                "REGION": {0: 2_568, 1: 528_145, 2: 325_133, 3: 422_227, 4: 383_134},
                "REASON": {1: 679_850, 2: 425_444, 3: 99_319, 4: 363_591, 5: 29_650, 6: 3_788,
                           7: 59_565},
                "NOPRIOR": {0: 559_765, 1: 958_128, -9: 143_314},
                "SUB1": {1: 22_488, 2: 518_930, 3: 90_955, 4: 214_590, 5: 414_900, 6: 3_648,
                         7: 128_397, 8: 4_525, 9: 1_908, 10: 199_910, 11: 8_073, 12: 1_770,
                         13: 18_725, 14: 179, 15: 1_048, 16: 2_177, 17: 830, 18: 668,
                         19: 10_448, -9: 17_038},
            },
        ),
        PublishedYear(
            2018,
            "TEDS-D-2018-DS0001-info-codebook.pdf",
            "Substance Abuse and Mental Health Services Administration, Treatment Episode Data "
            "Set (TEDS) Discharges, 2018. Rockville, MD: Substance Abuse and Mental Health "
            "Services Administration, 2020.",
            _pages(DISYR=13, AGE=14, SEX=15, REGION=34, REASON=40, NOPRIOR=45, SUB1=47),
            {
                "DISYR": {2018: 1_666_366},
                "AGE": {1: 8_633, 2: 42_744, 3: 51_563, 4: 143_072, 5: 294_505, 6: 282_759,
                        7: 234_610, 8: 158_479, 9: 146_820, 10: 135_137, 11: 147_575,
                        12: 20_469},
                "SEX": {1: 1_070_049, 2: 595_820, -9: 497},
                "REGION": {0: 2_675, 1: 529_291, 2: 325_994, 3: 461_907, 4: 346_499},
                "REASON": {1: 702_218, 2: 410_025, 3: 103_312, 4: 336_027, 5: 28_780, 6: 3_671,
                           7: 82_333},
                "NOPRIOR": {0: 586_769, 1: 931_288, -9: 148_309},
                "SUB1": {1: 43_488, 2: 506_546, 3: 94_313, 4: 200_768, 5: 398_893, 6: 3_163,
                         7: 124_813, 8: 4_234, 9: 2_048, 10: 185_573, 11: 8_556, 12: 2_187,
                         13: 18_429, 14: 191, 15: 947, 16: 1_921, 17: 765, 18: 565,
                         19: 11_937, -9: 57_029},
            },
        ),
        PublishedYear(
            2019,
            "TEDS-D-2019-DS0001-info-codebook_V1.pdf",
            "Substance Abuse and Mental Health Services Administration, Treatment Episode Data "
            "Set (TEDS) Discharges, 2019. Rockville, MD: Substance Abuse and Mental Health "
            "Services Administration, 2021.",
            _pages(DISYR=13, AGE=14, SEX=15, REGION=34, REASON=40, NOPRIOR=45, SUB1=47),
            {
                "DISYR": {2019: 1_722_503},
                "AGE": {1: 8_750, 2: 37_570, 3: 45_887, 4: 131_360, 5: 289_159, 6: 299_636,
                        7: 250_240, 8: 177_835, 9: 150_772, 10: 140_931, 11: 166_636,
                        12: 23_727},
                "SEX": {1: 1_105_534, 2: 616_213, -9: 756},
                "REGION": {0: 2_778, 1: 532_413, 2: 303_497, 3: 505_555, 4: 378_260},
                "REASON": {1: 725_929, 2: 432_610, 3: 95_254, 4: 369_503, 5: 26_005, 6: 3_576,
                           7: 69_626},
                "NOPRIOR": {0: 645_129, 1: 940_761, -9: 136_613},
                "SUB1": {1: 32_392, 2: 521_673, 3: 99_141, 4: 187_746, 5: 391_533, 6: 3_739,
                         7: 126_346, 8: 4_193, 9: 1_851, 10: 206_912, 11: 11_102, 12: 2_433,
                         13: 17_802, 14: 122, 15: 908, 16: 2_081, 17: 747, 18: 590,
                         19: 11_766, -9: 99_426},
            },
        ),
    )
}
# fmt: on


def citation(year: int) -> str:
    """The recommended citation of the ``year`` file: the codebook's own where it is known here,
    else the same wording without the release year (which only that codebook states)."""
    if year in PUBLISHED:
        return PUBLISHED[year].citation
    return (
        "Substance Abuse and Mental Health Services Administration, Treatment Episode Data Set "
        f"(TEDS) Discharges, {year}. Rockville, MD: Substance Abuse and Mental Health Services "
        "Administration."
    )
