"""The alert a person receives when unattended work fails: one reason sentence, where to look,
and what became of the tables, as plain text (email) and as JSON (a webhook)."""

from dataclasses import dataclass

PRODUCT = "benchmark_pipeline"


@dataclass(frozen=True)
class Alert:
    """``title`` says what failed ("trials_refresh_job failed"); ``reason`` is the run's own
    one-sentence reason; ``url`` opens the run in the UI; ``tables`` says, per table the run
    concerned, the state it was left in."""

    title: str
    reason: str
    url: str | None = None
    tables: tuple[str, ...] = ()
    run_id: str | None = None
    job: str | None = None

    @property
    def subject(self) -> str:
        return f"[{PRODUCT}] {self.title}"

    def text(self) -> str:
        """The message as plain text: the reason first, then the run's link and the tables."""
        lines = [self.title, "", self.reason]
        if self.url:
            lines += ["", f"Run: {self.url}"]
        if self.tables:
            lines += ["", "Tables:"] + [f"- {state}" for state in self.tables]
        return "\n".join(lines) + "\n"

    def json_body(self) -> dict[str, object]:
        """The webhook's JSON body: ``text`` is what a Slack or Teams incoming webhook shows;
        the other fields carry the same facts for any other receiver."""
        return {
            "text": f"{self.subject}\n{self.text()}",
            "title": self.title,
            "reason": self.reason,
            "run_url": self.url,
            "run_id": self.run_id,
            "job": self.job,
            "tables": list(self.tables),
            "source": PRODUCT,
        }
