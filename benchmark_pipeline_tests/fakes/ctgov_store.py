"""The studies a fake serves: in registry order, with their true modalities, safe to change while
being served (tests mark a trial withdrawn or remove it between two runs)."""

import copy
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


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
