"""Alerts about unattended work: the message a person receives, and the channels that carry it."""
