"""The rule catalogue (rules.yaml, with parsers/spec/identities.yaml) and the narrative patterns (narrative.yaml), loaded once."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import resources

import yaml

from parsers.identities import identity_data

SEVERITIES = ("error", "warning", "info")


def _load(name: str) -> dict:
    return yaml.safe_load(resources.files("nianjian.checks").joinpath(name).read_text("utf-8"))


@dataclass(frozen=True)
class Catalogue:
    rules_data: dict
    narrative: dict

    @classmethod
    def load(cls) -> "Catalogue":
        # The identities (groups, alternative row forms, 勾稽关系) are the parser's data too.
        return cls({**_load("rules.yaml"), **identity_data()}, _load("narrative.yaml"))

    @cached_property
    def rules(self) -> dict[str, dict]:
        return self.rules_data["rules"]

    @property
    def notes(self) -> dict:
        return self.rules_data["notes"]

    @property
    def identities(self) -> list[dict]:
        return self.rules_data["identities"]

    def severity(self, rule: str) -> str:
        return self.rules[rule]["severity"]

    def order(self, rule: str) -> int:
        return list(self.rules).index(rule)

    def messages(self, rule: str, **fields) -> tuple[str, str]:
        """The rule's Chinese and English message with `fields` filled in."""
        entry = self.rules[rule]
        return entry["message_zh"].format(**fields), entry["message_en"].format(**fields)

    def note(self, name: str, **fields) -> tuple[str, str]:
        return self.notes[f"{name}_zh"].format(**fields), self.notes[f"{name}_en"].format(**fields)

    def label(self, table: str, name: str) -> tuple[str, str]:
        """Short [Chinese, English] label of a row, column or group of `table`."""
        zh, en = self.rules_data["labels"].get(table, {}).get(name, (name, name))
        return zh, en


CATALOGUE = Catalogue.load()
