"""Real comments from the shared data, and campaign injection for tests and benchmarks.

Organic texts come from the Polis conversations, the regulations.gov dockets and the Regulation Room
comments (sentences re-joined per comment). Injected campaigns start from a real comment used as the
letter and make members that are exact copies, edited copies (a real sentence from another comment
added before or after, a sentence dropped) and synonym-swapped "mad-lib" copies (a fifth of the content
words replaced by words from the real comments' vocabulary that sit nearest in the packaged model's
word-embedding table, or, when `random_swaps`, by random real words: a harder case no thesaurus helps).
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from . import resources
from .text import STOP_WORDS, sentences, words


@dataclass(frozen=True)
class RealComment:
    id: str
    text: str
    source: str  # "polis/<conversation>", "regulations_gov/<docket>", "regulation_room/<rule>"


@lru_cache(maxsize=1)
def real_comments() -> tuple[RealComment, ...]:
    root = resources.data_dir() / "comments"
    out: list[RealComment] = []
    for conv in sorted(p for p in (root / "polis").iterdir() if p.is_dir()):
        with open(conv / "comments.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["comment-body"].strip():
                    out.append(
                        RealComment(
                            f"polis:{conv.name}:{row['comment-id']}",
                            row["comment-body"].strip(),
                            f"polis/{conv.name}",
                        )
                    )
    with open(root / "regulations_gov" / "text_comments_example.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            # The export appends the docket's subject line ("Re: Supplemental Nutrition...") to every
            # comment; it is not the commenter's words, so it is cut before use.
            body = row["Text Comment"].split("\nRe: ")[0].strip()
            if body:
                docket = row["Document ID"].rsplit("-", 1)[0]
                out.append(RealComment(f"regsgov:{row['Document ID']}", body, f"regulations_gov/{docket}"))
    parts: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for split in ("train", "test"):
        with open(root / "regulation_room" / f"{split}.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                parts[(row["rule_name"], row["comment_number"])].append(
                    (int(row["proposition_number"]), row["text"])
                )
    for (rule, num), props in sorted(parts.items()):
        text = " ".join(t for _, t in sorted(props))
        out.append(RealComment(f"regroom:{rule}:{num}", text, f"regulation_room/{rule}"))
    # Drop exact repeats inside the real data so "organic" means distinct texts.
    seen: set[str] = set()
    unique = []
    for c in out:
        key = " ".join(words(c.text))
        if key and key not in seen:
            seen.add(key)
            unique.append(c)
    return tuple(unique)


@lru_cache(maxsize=1)
def _vocab_neighbours() -> dict[str, list[str]]:
    """Nearest words (cosine in the MiniLM input word-embedding table) among the real comments' words."""
    import numpy as np
    from safetensors.numpy import load_file

    model_dir = resources.model_path()
    vocab = model_dir.joinpath("vocab.txt").read_text(encoding="utf-8").split("\n")
    index = {w: i for i, w in enumerate(vocab)}
    tensors = load_file(str(model_dir / "model.safetensors"))
    key = next(k for k in tensors if k.endswith("word_embeddings.weight"))
    table = tensors[key].astype(np.float32)
    counts: dict[str, int] = defaultdict(int)
    for c in real_comments():
        for w in words(c.text):
            if w.isalpha() and len(w) > 3 and w not in STOP_WORDS and w in index:
                counts[w] += 1
    cands = sorted(w for w, n in counts.items() if n >= 2)
    mat = table[[index[w] for w in cands]]
    mat /= np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9
    sims = mat @ mat.T
    np.fill_diagonal(sims, -1)
    out = {}
    for i, w in enumerate(cands):
        best = np.argsort(-sims[i])[:5]
        out[w] = [cands[j] for j in best if sims[i, j] > 0.35 and not cands[j].startswith(w[:4])]
    return out


def mad_lib(text: str, rng: random.Random, *, rate: float = 0.2, random_swaps: bool = False) -> str:
    neighbours = _vocab_neighbours()
    pool = sorted(neighbours)
    tokens = text.split(" ")
    for i, tok in enumerate(tokens):
        core = tok.strip(".,;:!?()\"'").lower()
        if core in STOP_WORDS or not core.isalpha() or rng.random() > rate:
            continue
        choices = neighbours.get(core) or []
        new = rng.choice(pool) if random_swaps or not choices else rng.choice(choices)
        tokens[i] = tok.lower().replace(core, new)
    return " ".join(tokens)


def edit(text: str, rng: random.Random, donors: list[str]) -> str:
    sents = sentences(text)
    if len(sents) > 3 and rng.random() < 0.5:
        sents.pop(rng.randrange(len(sents)))
    own = sentences(rng.choice(donors))[:2]
    return " ".join(own + sents) if rng.random() < 0.5 else " ".join(sents + own)


@dataclass
class InjectedSet:
    items: list[tuple[str, str]]  # (id, text), shuffled
    campaign_of: dict[str, str]  # member id -> campaign name, for injected members only
    organic_ids: set[str]


def inject_campaigns(
    *,
    n_campaigns: int = 8,
    members: int = 40,
    seed: int = 7,
    random_swaps: bool = False,
    organic_limit: int | None = None,
) -> InjectedSet:
    """Real organic comments plus `n_campaigns` campaigns of `members` variants each (a third exact or
    lightly edited, a third edited, a third mad-lib, half of those edited as well)."""
    rng = random.Random(seed)
    comments = list(real_comments())
    letters = [c for c in comments if 60 <= len(words(c.text)) <= 400 and len(sentences(c.text)) >= 3]
    rng.shuffle(letters)
    chosen = letters[:n_campaigns]
    chosen_ids = {c.id for c in chosen}
    organic = [c for c in comments if c.id not in chosen_ids]
    if organic_limit:
        organic = organic[:organic_limit]
    donors = [c.text for c in organic if 8 <= len(words(c.text)) <= 60]
    items = [(c.id, c.text) for c in organic]
    campaign_of: dict[str, str] = {}
    for n, letter in enumerate(chosen):
        for m in range(members):
            kind = m % 3
            if kind == 0:
                text = letter.text if m % 2 == 0 else letter.text.replace(".", ". ").replace("  ", " ")
            elif kind == 1:
                text = edit(letter.text, rng, donors)
            else:
                text = mad_lib(letter.text, rng, random_swaps=random_swaps)
                if m % 2:
                    text = edit(text, rng, donors)
            mid = f"campaign{n}:{m}"
            items.append((mid, text))
            campaign_of[mid] = f"campaign{n}"
    rng.shuffle(items)
    return InjectedSet(items, campaign_of, {c.id for c in organic})
