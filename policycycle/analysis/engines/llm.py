"""The `llm` engine: any OpenAI-compatible chat endpoint labels and condenses themes and writes
abstractive summaries with citations. Never required: without a client it is not selectable, and
tests inject a fake `LLMClient`. Configuration comes from the caller (or `OpenAICompatibleClient.from_env`:
DHD_LLM_BASE_URL, DHD_LLM_API_KEY, DHD_LLM_MODEL)."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from ..types import ResponseId, SummarySentence
from .base import BasicEngine, EmbeddingsEngine

STANCES = ("agree", "disagree", "mixed", "unclear")


class LLMClient(Protocol):
    def complete(self, prompt: str, *, system: str | None = None) -> str: ...


@dataclass
class OpenAICompatibleClient:
    base_url: str
    model: str
    api_key: str = ""
    timeout: float = 60.0

    @classmethod
    def from_env(cls) -> OpenAICompatibleClient | None:
        base = os.environ.get("DHD_LLM_BASE_URL")
        if not base:
            return None
        return cls(
            base_url=base,
            model=os.environ.get("DHD_LLM_MODEL", "gpt-4o-mini"),
            api_key=os.environ.get("DHD_LLM_API_KEY", ""),
        )

    def complete(self, prompt: str, *, system: str | None = None) -> str:
        messages = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": prompt}
        ]
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0}).encode()
        req = urllib.request.Request(  # noqa: S310 - the endpoint is operator configuration
            self.base_url.rstrip("/") + "/chat/completions",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"},
        )
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
            payload = json.loads(resp.read().decode())
        return payload["choices"][0]["message"]["content"]


SYSTEM = (
    "You help civil servants analyse public consultation responses. Be neutral and concise. "
    "Answer with JSON only."
)


def _json(text: str):
    match = re.search(r"[\[{].*[\]}]", text, re.S)
    if not match:
        raise ValueError("no JSON in the model's answer")
    return json.loads(match.group(0))


@dataclass(frozen=True)
class LLMTag:
    """The model's reading of one response: the keys of the themes it makes (maybe none) and its stance
    toward the proposal (None when the model gave none that is allowed)."""

    themes: tuple[str, ...]
    stance: str | None


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def tag_prompt(
    texts: list[str],
    themes: list[tuple[str, str]],
    *,
    proposal: str = "",
    examples: list[tuple[str, list[str], str | None]] = (),
) -> str:
    """The tagging prompt: the proposal, the themes numbered from 1, the officials' confirmed examples
    (text, theme keys, stance) and the responses numbered from 0."""
    number = {key: i for i, (key, _) in enumerate(themes, 1)}
    lines = []
    if proposal:
        lines.append(f"The proposal: {_clip(proposal, 600)}")
    lines.append("Themes (the points a response can make):")
    lines += [f"{i}. {_clip(text, 300)}" for i, (_, text) in enumerate(themes, 1)]
    if examples:
        lines.append("Responses an official has already read, with the themes they make:")
        for text, keys, stance in examples:
            nums = sorted(number[k] for k in keys if k in number)
            said = f", stance {stance}" if stance else ""
            lines.append(f'- "{_clip(text, 300)}" -> themes {nums or "none"}{said}')
    lines.append("Responses to read:")
    lines += [f"[{i}] {_clip(text, 600)}" for i, text in enumerate(texts)]
    lines.append(
        "For each response, the numbers of the themes it makes (several, or none when it makes none of "
        "them) and its stance toward the proposal: agree, disagree, mixed or unclear. Reply as "
        '{"0": {"themes": [1, 3], "stance": "agree"}, ...} with every response number.'
    )
    return "\n".join(lines)


def parse_tags(answer: str, n: int, themes: list[tuple[str, str]]) -> list[LLMTag]:
    """The model's answer as one LLMTag per response. Theme numbers that name no theme and stances that
    are not allowed are dropped; a response the answer leaves out gets no themes and no stance. An answer
    with no JSON object raises ValueError."""
    data = _json(answer)
    if not isinstance(data, dict):
        raise ValueError("the model's answer is not a JSON object")
    out = []
    for i in range(n):
        item = data.get(str(i))
        if not isinstance(item, dict):
            out.append(LLMTag((), None))
            continue
        nums = item.get("themes") if isinstance(item.get("themes"), list) else []
        keys = []
        for v in nums:
            try:
                k = int(v)
            except (TypeError, ValueError):
                continue
            if 1 <= k <= len(themes) and themes[k - 1][0] not in keys:
                keys.append(themes[k - 1][0])
        stance = str(item.get("stance") or "").strip().lower()
        out.append(LLMTag(tuple(keys), stance if stance in STANCES else None))
    return out


class LLMEngine:
    """Clusters with embeddings (or basic), then asks the model for labels, merges and summaries."""

    name = "llm"

    def __init__(self, *, client: LLMClient | None = None, base: str = "embeddings"):
        self.client = client or OpenAICompatibleClient.from_env()
        if self.client is None:
            raise ValueError("the llm engine needs an LLM client (set DHD_LLM_BASE_URL)")
        self.base = EmbeddingsEngine() if base == "embeddings" else BasicEngine()

    def vectorise(self, texts, *, should_cancel=None, on_chunk=None):
        return self.base.vectorise(texts, should_cancel=should_cancel, on_chunk=on_chunk)

    def label(self, keywords: list[str], quotes: list[str]) -> tuple[str, str] | None:
        prompt = (
            "Name the theme these consultation responses share.\nKeywords: "
            + ", ".join(keywords)
            + "\nResponses:\n"
            + "\n".join(f"- {q[:400]}" for q in quotes)
            + '\nReply as {"label": "<at most 6 words>", "description": "<one sentence>"}'
        )
        try:
            data = _json(self.client.complete(prompt, system=SYSTEM))
            return str(data["label"]).strip()[:120], str(data["description"]).strip()[:600]
        except (ValueError, KeyError, TypeError):
            return None

    def condense(self, labels: list[str]) -> list[list[int]]:
        """Groups of theme indexes the model says are the same theme (each index in one group)."""
        prompt = (
            "Which of these theme labels mean the same thing? Reply as a JSON list of lists of "
            "indexes, every index exactly once.\n" + "\n".join(f"{i}: {lab}" for i, lab in enumerate(labels))
        )
        try:
            groups = [[int(i) for i in g] for g in _json(self.client.complete(prompt, system=SYSTEM))]
        except (ValueError, TypeError):
            return [[i] for i in range(len(labels))]
        flat = sorted(i for g in groups for i in g)
        return groups if flat == list(range(len(labels))) else [[i] for i in range(len(labels))]

    def tag(
        self,
        texts: list[str],
        themes: list[tuple[str, str]],
        *,
        proposal: str = "",
        examples: list[tuple[str, list[str], str | None]] = (),
        batch: int = 20,
    ) -> list[LLMTag]:
        """Which of `themes` ((key, text), in order) each response makes, and its stance toward the
        `proposal`, asked `batch` responses at a time with the officials' confirmed `examples` (text, theme
        keys, stance) in every prompt. A batch whose answer cannot be read is asked once more, then raises
        ValueError: a half-read answer is never taken for "no themes"."""
        out: list[LLMTag] = []
        for start in range(0, len(texts), batch):
            chunk = texts[start : start + batch]
            prompt = tag_prompt(chunk, themes, proposal=proposal, examples=examples)
            for attempt in range(2):
                try:
                    out += parse_tags(self.client.complete(prompt, system=SYSTEM), len(chunk), themes)
                    break
                except ValueError:
                    if attempt:
                        raise
        return out

    def summarise(self, sentences: list[tuple[ResponseId, str]]) -> list[SummarySentence]:
        """Abstractive summary; sentences whose citations are missing or unknown are dropped."""
        numbered = "\n".join(f"[{i}] {text[:500]}" for i, (_, text) in enumerate(sentences))
        prompt = (
            "Summarise these responses in at most 4 sentences. After each sentence cite the numbers "
            'of the responses it draws on. Reply as [{"text": "...", "cite": [0, 3]}].\n' + numbered
        )
        try:
            data = _json(self.client.complete(prompt, system=SYSTEM))
        except ValueError:
            return []
        out = []
        for item in data if isinstance(data, list) else []:
            try:
                cites = sorted({int(c) for c in item["cite"]})
                text = str(item["text"]).strip()
            except (KeyError, TypeError, ValueError):
                continue
            if text and cites and all(0 <= c < len(sentences) for c in cites):
                ids = list(dict.fromkeys(sentences[c][0] for c in cites))
                out.append(SummarySentence(text, ids))
        return out
