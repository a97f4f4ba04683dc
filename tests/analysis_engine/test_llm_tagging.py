"""The `llm` engine's tagging and stance (policycycle.analysis.engines.llm): the prompt, reading the
model's answer, batches, and its figures on the ArgKP topics beside the tagger. No endpoint is called:
the clients below answer from the prompt."""

import json
import re

import numpy as np
import pytest

from policycycle.analysis import argkp, evaluation
from policycycle.analysis.engines import LLMEngine
from policycycle.analysis.engines.llm import LLMTag, parse_tags, tag_prompt

THEMES = [("kp-a", "Uniforms save parents money"), ("kp-b", "Uniforms stop bullying over clothes")]


class Scripted:
    """Answers with the scripted replies in turn, keeping the prompts."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.prompts = []

    def complete(self, prompt, *, system=None):
        self.prompts.append(prompt)
        return self.replies.pop(0)


def test_the_answer_is_read_per_response_and_what_names_nothing_is_dropped():
    answer = "Here you are:\n" + json.dumps(
        {
            "0": {"themes": [2, 1, 2], "stance": "Agree"},
            "1": {"themes": [], "stance": "disagree"},
            "2": {"themes": [7, "x", 0, "1"], "stance": "strongly agree"},
        }
    )
    tags = parse_tags(answer, 4, THEMES)
    assert tags[0] == LLMTag(("kp-b", "kp-a"), "agree")  # repeated numbers once, in the model's order
    assert tags[1] == LLMTag((), "disagree")  # "none of these" is an answer
    assert tags[2] == LLMTag(("kp-a",), None)  # unknown numbers and stances dropped
    assert tags[3] == LLMTag((), None)  # left out of the answer: nothing claimed for it
    with pytest.raises(ValueError):
        parse_tags("I cannot help with that.", 1, THEMES)
    with pytest.raises(ValueError):
        parse_tags("[1, 2]", 1, THEMES)


def test_the_prompt_numbers_the_themes_and_shows_the_confirmed_examples():
    prompt = tag_prompt(
        ["Cheaper than brands.", "  Kids\nget teased. "],
        THEMES,
        proposal="We should introduce school uniforms",
        examples=[("Saves a fortune.", ["kp-a"], "agree"), ("Off topic.", [], None)],
    )
    assert "The proposal: We should introduce school uniforms" in prompt
    assert "1. Uniforms save parents money\n2. Uniforms stop bullying over clothes" in prompt
    assert '- "Saves a fortune." -> themes [1], stance agree' in prompt
    assert '- "Off topic." -> themes none' in prompt
    assert "[0] Cheaper than brands.\n[1] Kids get teased." in prompt


def test_tagging_asks_in_batches_and_retries_an_unreadable_answer_once():
    ok = json.dumps({"0": {"themes": [1], "stance": "agree"}, "1": {"themes": [2]}})
    client = Scripted(ok, "sorry", json.dumps({"0": {"themes": [1, 2], "stance": "mixed"}}))
    tags = LLMEngine(client=client).tag(["a", "b", "c"], THEMES, batch=2)
    assert [t.themes for t in tags] == [("kp-a",), ("kp-b",), ("kp-a", "kp-b")]
    assert [t.stance for t in tags] == ["agree", None, "mixed"]
    assert len(client.prompts) == 3 and client.prompts[1] == client.prompts[2]
    with pytest.raises(ValueError):
        LLMEngine(client=Scripted("no", "still no")).tag(["a"], THEMES)


class Reader:
    """An endpoint that reads each argument as ArgKP's annotators did (the gold), or claims nothing."""

    def __init__(self, topics, *, know: bool = True):
        self.know = know
        self.gold = {}
        for t in topics:
            for arg_id, text in t.arguments.items():
                self.gold[" ".join(text.split())[:599]] = (t, arg_id)
        self.calls = 0

    def complete(self, prompt, *, system=None):
        self.calls += 1
        numbers = {text: int(n) for n, text in re.findall(r"^(\d+)\. (.*)$", prompt, re.M)}
        out = {}
        for i, text in re.findall(r"^\[(\d+)\] (.*)$", prompt, re.M):
            topic, arg_id = self.gold[text[:599]]
            kps = [numbers[" ".join(topic.key_points[k][0].split())[:299]] for k in topic.labels[arg_id]]
            out[i] = {"themes": kps, "stance": topic.stance[arg_id]} if self.know else {}
        return json.dumps(out)


def _flat(texts):
    return np.ones((len(texts), 3)) / np.sqrt(3)


def test_the_llm_engine_is_scored_on_the_same_draws_and_rules_as_the_tagger():
    topics = argkp.load_split("dev")
    reader = Reader(topics)
    result = evaluation.evaluate_argkp("dev", ks=(0, 2), draws=2, vectorise=_flat, llm_client=reader)
    assert "llm" not in result["skipped"]
    for k in ("K=0", "K=2"):
        llm = result["tagging"][k]["llm"]
        assert llm["f1"]["mean"] == pytest.approx(1.0, abs=0.01)  # the gold read back scores 1
        assert set(llm["per_topic"]) == set(result["topics"])
        assert result["tagging"][k]["tagger"]["f1"]["mean"] < 0.9  # flat vectors: the tagger cannot
    for name in ("llm K=0", "llm K=2"):
        assert result["stance"]["methods"][name]["accuracy"]["mean"] == pytest.approx(1.0)
    assert reader.calls >= sum(len(t.arguments) for t in topics) / 20  # batches of 20 at most

    silent = evaluation.evaluate_argkp(
        "dev", ks=(0,), draws=1, vectorise=_flat, llm_client=Reader(topics, know=False)
    )
    assert silent["tagging"]["K=0"]["llm"]["f1"]["mean"] == 0.0
    assert silent["stance"]["methods"]["llm K=0"]["accuracy"]["mean"] == 0.0  # no stance is never right
