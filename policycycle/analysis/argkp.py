"""IBM Debater ArgKP (Bar-Haim et al., ACL 2020) from the shared data: one topic is one consultation
question, its expert key points are the themes, the annotators' matches are the gold tags and the
argument's pro/con stance is the gold stance toward the proposal.

Only the `train` (24 topics) and `dev` (4 topics) splits are read. The data set's published test split is
kept apart to check this work: `load_split("test")` refuses, and nothing here fetches it.

Gold tags: a (argument, key point) pair counts as a tag when its label is 1. Pairs labelled 0, pairs the
data set leaves unlabelled (annotators did not agree, or the key point is of the other stance) are not
tags. An argument with no matching key point (28 % of dev) stays in the set with no gold tags: "none of
these" is a correct answer for it, and any tag on it is a false positive. `Topic.judged` keeps which
pairs the annotators labelled at all (0 or 1), and `Topic.undecided` the pairs they were divided on, for
the evaluation's other scorings.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from . import resources

SPLITS = ("train", "dev")
REFUSAL = (
    "ArgKP's {split!r} split is not used: develop on 'train', report on 'dev'; the test split is kept "
    "apart to check this work."
)
STANCES = {"1": "agree", "-1": "disagree"}


@dataclass
class Topic:
    topic: str
    arguments: dict[str, str]  # arg_id -> text
    stance: dict[str, str]  # arg_id -> agree / disagree (toward the topic's proposal)
    key_points: dict[str, tuple[str, str]]  # kp_id -> (text, stance)
    labels: dict[str, set[str]] = field(default_factory=dict)  # arg_id -> matching kp ids (maybe empty)
    judged: dict[str, set[str]] = field(default_factory=dict)  # arg_id -> kp ids labelled 0 or 1

    @property
    def theme_texts(self) -> dict[str, str]:
        return {k: text for k, (text, _) in self.key_points.items()}

    def undecided(self, arg_id: str) -> set[str]:
        """The key points of the argument's own stance that it has no label for: the annotators were
        divided (more than 15 % but fewer than 60 % of them marked a match, and the data set leaves such
        a pair out; every argument was judged against every key point of its stance, never against the
        other stance's)."""
        own = {k for k, (_, stance) in self.key_points.items() if stance == self.stance[arg_id]}
        return own - self.judged.get(arg_id, set())


def argkp_dir() -> Path:
    return resources.data_dir() / "comments" / "argkp"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_split(split: str, *, directory: Path | None = None) -> list[Topic]:
    """The topics of one split, in name order. Every argument appears, with its (maybe empty) gold tags."""
    if split not in SPLITS:
        raise ValueError(REFUSAL.format(split=split))
    d = directory or argkp_dir()
    missing = [
        n for n in (f"{k}_{split}.csv" for k in ("arguments", "key_points", "labels")) if not (d / n).exists()
    ]
    if missing:
        raise FileNotFoundError(f"{d} has no ArgKP {split} split: missing {', '.join(missing)}")
    topics: dict[str, Topic] = {}
    where: dict[str, str] = {}
    for r in _rows(d / f"arguments_{split}.csv"):
        t = topics.setdefault(r["topic"], Topic(r["topic"], {}, {}, {}))
        t.arguments[r["arg_id"]] = r["argument"].strip().lstrip("`").strip()
        t.stance[r["arg_id"]] = STANCES.get(r["stance"].strip(), "unclear")
        t.labels[r["arg_id"]] = set()
        t.judged[r["arg_id"]] = set()
        where[r["arg_id"]] = r["topic"]
    for r in _rows(d / f"key_points_{split}.csv"):
        t = topics.setdefault(r["topic"], Topic(r["topic"], {}, {}, {}))
        t.key_points[r["key_point_id"]] = (
            r["key_point"].strip(),
            STANCES.get(r["stance"].strip(), "unclear"),
        )
    for r in _rows(d / f"labels_{split}.csv"):
        if r["arg_id"] not in where:
            continue
        topic = topics[where[r["arg_id"]]]
        topic.judged[r["arg_id"]].add(r["key_point_id"])
        if r["label"].strip() == "1":
            topic.labels[r["arg_id"]].add(r["key_point_id"])
    return [topics[k] for k in sorted(topics)]
