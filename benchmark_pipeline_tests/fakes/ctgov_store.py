"""The studies a fake serves: in registry order, with their true modalities, safe to change while
being served (tests mark a trial withdrawn, update a share of the trials as a week of the
registry does, or remove one between two runs)."""

import copy
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

# How ``update_share`` moves a trial on, as a week of the registry does: recruitment opens or
# closes, a trial completes, or stops (and so leaves the default status filter).
NEXT_STATUS = {
    "NOT_YET_RECRUITING": "RECRUITING",
    "RECRUITING": "TERMINATED",
    "ENROLLING_BY_INVITATION": "ACTIVE_NOT_RECRUITING",
    "ACTIVE_NOT_RECRUITING": "COMPLETED",
    "SUSPENDED": "RECRUITING",
}


def move_on(study: dict) -> None:
    """One week's change of a trial: its next status (``NEXT_STATUS``); a trial with no next
    status reports one more participant instead."""
    protocol = study["protocolSection"]
    module = protocol["statusModule"]
    status = module.get("overallStatus")
    if status in NEXT_STATUS:
        module["overallStatus"] = NEXT_STATUS[status]
        return
    enrollment = protocol.setdefault("designModule", {}).setdefault("enrollmentInfo", {})
    enrollment["count"] = int(enrollment.get("count") or 0) + 1


@dataclass
class TrialRecords:
    """Studies in registry order, with their true modalities; safe to change while served.

    ``version`` grows with every change so a server can drop what it cached.
    """

    studies: dict[str, dict] = field(default_factory=dict)
    modalities: dict[str, frozenset[str]] = field(default_factory=dict)
    version: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __len__(self) -> int:
        return len(self.studies)

    def __iter__(self) -> Iterator[dict]:
        with self.lock:
            return iter(list(self.studies.values()))

    def ids(self) -> list[str]:
        """NCT ids in registry order."""
        with self.lock:
            return list(self.studies)

    def get(self, nct: str) -> dict:
        """A deep copy of one study (KeyError when absent)."""
        with self.lock:
            return copy.deepcopy(self.studies[nct])

    def add(self, study: dict, modalities: frozenset[str] = frozenset()) -> None:
        """Add or replace a study, keyed by its nctId."""
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        with self.lock:
            self.studies[nct] = study
            self.modalities[nct] = frozenset(modalities)
            self.version += 1

    def mutate(self, nct: str, change: Callable[[dict], None]) -> dict:
        """Apply ``change`` to a copy of the study, store it and return it."""
        with self.lock:
            study = copy.deepcopy(self.studies[nct])
            change(study)
            self.studies[nct] = study
            self.version += 1
            return study

    def set_status(self, nct: str, status: str, *, last_update: str | None = None) -> dict:
        """Change one study's overallStatus (and lastUpdatePostDate when given)."""

        def change(study: dict) -> None:
            module = study["protocolSection"]["statusModule"]
            module["overallStatus"] = status
            if last_update:
                module["lastUpdatePostDateStruct"] = {"date": last_update, "type": "ACTUAL"}

        return self.mutate(nct, change)

    def update_share(
        self,
        share: float,
        on: str,
        *,
        seed: int = 0,
        change: Callable[[dict], None] = move_on,
    ) -> list[str]:
        """Change ``share`` (0..1) of the studies, drawn with ``seed``: ``change`` each and post
        it on ``on`` (its lastUpdatePostDate, ``yyyy-MM-dd``), as the registry does with every
        change. Returns the changed NCT ids, sorted."""
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"share must be within 0..1, got {share}")
        with self.lock:
            ids = list(self.studies)
            chosen = sorted(random.Random(seed).sample(ids, round(share * len(ids))))

            def posted(study: dict) -> None:
                change(study)
                module = study["protocolSection"]["statusModule"]
                module["lastUpdatePostDateStruct"] = {"date": on, "type": "ACTUAL"}

            for nct in chosen:
                self.mutate(nct, posted)
            return chosen

    def remove(self, nct: str) -> dict:
        """Remove one study and return it."""
        with self.lock:
            self.modalities.pop(nct, None)
            self.version += 1
            return self.studies.pop(nct)

    def with_modality(self, modality: str) -> list[str]:
        """NCT ids whose interventions include ``modality``."""
        with self.lock:
            return [nct for nct, found in self.modalities.items() if modality in found]
