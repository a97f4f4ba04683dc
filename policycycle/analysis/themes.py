"""Analysis runs: collapse campaigns, vectorise, cluster per scope, draft themes, assign, summarise."""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from . import campaigns as campaigns_mod
from .engines import Engine, get_engine
from .engines.llm import LLMClient, LLMEngine
from .moderation import _vader
from .summaries import extractive_summary
from .text import _URL, STOP_WORDS, is_noise_token, sentences, words
from .types import (
    AnalysisCancelled,
    AnalysisResult,
    Assignment,
    Campaign,
    CancelFn,
    ProgressFn,
    ResponseId,
    Summary,
    SummarySentence,
    Theme,
    Unit,
)

ASSIGN_MIN_PROBABILITY = 0.25
OUTLIER_QUANTILE = 0.03


class _Progress:
    """Monotonic 0..100 progress; also the one place that checks for cancellation."""

    def __init__(self, progress: ProgressFn | None, should_cancel: CancelFn | None):
        self.fn = progress
        self.cancel = should_cancel
        self.last = -1
        self.last_step = ""

    def __call__(self, step: str, percent: float) -> None:
        if self.cancel and self.cancel():
            raise AnalysisCancelled(f"cancelled during {step}")
        pct = int(max(self.last, min(100, percent)))
        if self.fn and (pct != self.last or step != self.last_step):
            self.fn(step, pct)
        self.last, self.last_step = pct, step


def choose_k(n: int) -> int:
    if n < 6:
        return 1
    return int(min(15, max(2, round(math.sqrt(n / 4)))))


def centred(vectors: np.ndarray) -> np.ndarray:
    """Unit-length vectors with their mean taken away (what the responses of a scope share)."""
    out = vectors - vectors.mean(axis=0, keepdims=True)
    return (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def cluster(vectors: np.ndarray, k: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(labels, unit-length centroids). KMeans up to 20k points, MiniBatchKMeans beyond."""
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if k <= 1 or len(vectors) <= k:
        centre = vectors.mean(axis=0, keepdims=True)
        return np.zeros(len(vectors), dtype=int), centre / (np.linalg.norm(centre) or 1.0)
    if len(vectors) <= 20_000:
        model = KMeans(n_clusters=k, n_init=3, random_state=seed)
    else:
        model = MiniBatchKMeans(n_clusters=k, n_init=3, random_state=seed, batch_size=4096)
    labels = model.fit_predict(vectors)
    centres = model.cluster_centers_
    centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
    return labels, centres.astype(np.float32)


def phrases(text: str) -> list[str]:
    """The terms c-TF-IDF counts in one text: its content words, and pairs of content words that stand
    next to each other in the text. ("development is not allowed" gives "development" and "allowed", never
    the pair "development allowed", which the text does not say.) Hash-like and id-like tokens and web
    addresses are left out."""
    out: list[str] = []
    prev = ""
    for chunk in _PHRASE_BREAK.split(_URL.sub(" . ", text)):
        prev = ""
        for w in words(chunk):
            if w in STOP_WORDS or len(w) < 3 or is_noise_token(w):
                prev = ""
                continue
            out.append(w)
            if prev:
                out.append(f"{prev} {w}")
            prev = w
    return out


_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]\"\n\u2014\u2013/|]+")


def ctfidf_keywords(texts: Sequence[str], labels: np.ndarray, k: int, n: int = 8) -> list[list[str]]:
    """Class-based TF-IDF: terms frequent in one cluster and rare across clusters."""
    from sklearn.feature_extraction.text import CountVectorizer

    try:
        cv = CountVectorizer(
            analyzer=phrases,
            min_df=2 if len(texts) >= 20 else 1,
            max_features=100_000,
        )
        counts = cv.fit_transform(texts)
    except ValueError:
        return [[] for _ in range(k)]
    from scipy.sparse import csr_matrix

    onehot = csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    per_class = np.asarray((onehot @ counts).todense(), dtype=np.float64)
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    avg_words = per_class.sum() / max(k, 1)
    idf = np.log1p(avg_words / np.maximum(per_class.sum(axis=0), 1))
    scores = tf * idf
    vocab = cv.get_feature_names_out()
    out = []
    for c in range(k):
        order = np.argsort(-scores[c])
        words_: list[str] = []
        for j in order:
            if scores[c, j] <= 0 or len(words_) >= n:
                break
            term = vocab[j]
            if any(term in w or w in term for w in words_):
                continue
            words_.append(term)
        out.append(words_)
    return out


LABEL_CANDIDATES = 5


def machine_label(
    keywords: list[str], closeness: Sequence[float] | None = None, *, taken: Iterable[str] = ()
) -> str:
    """A theme's drafted name from its keywords, as a person would write it, never two unrelated keywords
    glued with "and". With `closeness` (each keyword's cosine to the theme's centre, in the same vector
    space as the responses), the closest of the first five keywords: what the theme is about rather than
    a word its responses happen to share ("Energy", not "Based"). Without it, the first phrase of two
    words among the top three keywords (words that stand together in the responses: "Fossil fuels"),
    else the top keyword. A name in `taken` (another theme's, in the same scope) gives way to the next
    keyword, so that two themes of one clause are never both called "Climate"."""
    kept = [
        (i, k)
        for i, k in enumerate(keywords[:LABEL_CANDIDATES])
        if not any(is_noise_token(w) for w in k.split())
    ]
    if not kept:
        return "Other responses"
    if closeness is not None:
        head = max(kept, key=lambda ik: (closeness[ik[0]], -ik[0]))[1]
    else:
        head = next((k for _, k in kept[:3] if " " in k), kept[0][1])
    used = {t.lower() for t in taken}
    if head in used:  # another theme of the scope has that name: the next keyword that is free
        order = sorted(kept, key=lambda ik: -closeness[ik[0]]) if closeness is not None else kept
        head = next((k for _, k in order if k not in used), head)
    return head[:1].upper() + head[1:]


def keyword_closeness(
    keywords: list[list[str]], centres: np.ndarray, embed: Callable[[list[str]], np.ndarray]
) -> list[list[float]]:
    """Each theme's first keywords' cosine to its centre, from one `embed` call for the whole scope."""
    terms = sorted({k for kw in keywords for k in kw[:LABEL_CANDIDATES]})
    if not terms:
        return [[] for _ in keywords]
    vecs = embed(terms)
    if vecs.shape[1] != centres.shape[1]:
        return [[] for _ in keywords]
    at = {t: i for i, t in enumerate(terms)}
    return [[float(vecs[at[k]] @ centres[c]) for k in kw[:LABEL_CANDIDATES]] for c, kw in enumerate(keywords)]


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 response", "2 responses"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _quote(text: str, limit: int = 280) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    first = sentences(text)[0] if sentences(text) else text
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def describe(n: int, total: int, keywords: list[str], copies: int = 0) -> str:
    """The drafted description: how many responses, their share of the scope, and what they mention."""
    share = round(100 * n / total) if total else 0
    count = plural(n, "response") + f" ({share}%"
    count += f", {plural(copies, 'of them a campaign copy', 'of them campaign copies')})" if copies else ")"
    if keywords:
        verb = "mentions" if n == 1 else "most often mention"
        return f"{count} {verb} " + ", ".join(keywords[:5]) + "."
    return f"{count} with no shared vocabulary."


def analyse_scope(
    scope: str,
    ids: list[ResponseId],
    texts: list[str],
    vectors: np.ndarray,
    *,
    k: int | None = None,
    llm: LLMEngine | None = None,
    seed: int = 0,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    centre: bool = False,
) -> tuple[list[Theme], list[Assignment]]:
    """Themes and assignments for the responses of one scope (a clause, a question or the consultation).
    `seed`: the clustering's random state (runs use 0; the evaluation varies it). `embed`: the engine's
    sentence embedder, when its vectors are comparable across calls, to name each theme by the keyword
    closest to its centre. `centre`: cluster the vectors with their mean taken away (sentence embeddings)."""
    if not ids:
        return [], []
    k = k or choose_k(len(ids))
    # Sentence embeddings of the responses to one question share the question's subject: clustering what
    # is left once that common direction is taken away separates the points they make (ArgKP train:
    # best-match F1 0.295 -> 0.305, the reverse 0.325 -> 0.344; docs/analysis.md). Not for `basic`'s LSA,
    # where short texts sit near the mean and centring scatters them into a theme with no shared word.
    work = centred(vectors) if centre and k > 1 and len(ids) > k else vectors
    labels, centres = cluster(work, k, seed=seed)
    k = centres.shape[0]
    keywords = ctfidf_keywords(texts, labels, k)
    closeness = None
    if embed is not None:  # keywords are embedded as they are: compare them with uncentred centres
        plain = np.stack(
            [vectors[labels == c].mean(axis=0) if (labels == c).any() else centres[c] for c in range(k)]
        )
        plain /= np.maximum(np.linalg.norm(plain, axis=1, keepdims=True), 1e-9)
        closeness = keyword_closeness(keywords, plain.astype(np.float32), embed)
    sims = work @ centres.T  # cosine: both are unit length
    probs = np.exp((sims - sims.max(axis=1, keepdims=True)) / 0.05)
    probs /= probs.sum(axis=1, keepdims=True)
    own = sims[np.arange(len(ids)), labels]
    floor = float(np.quantile(own, OUTLIER_QUANTILE)) if len(ids) >= 30 else -1.0
    themes: list[Theme] = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if len(members) == 0:
            continue
        closest = members[np.argsort(-sims[members, c])]
        quotes: list[tuple[ResponseId, str]] = []
        seen: set[str] = set()
        for i in closest:
            q = _quote(texts[i])
            if q.lower() not in seen:
                seen.add(q.lower())
                quotes.append((ids[i], q))
            if len(quotes) == 3:
                break
        kw = keywords[c]
        label = machine_label(
            kw, closeness[c] if closeness and closeness[c] else None, taken=[t.label for t in themes]
        )
        description = describe(len(members), len(ids), kw)
        source = "machine"
        if llm is not None:
            named = llm.label(kw, [q for _, q in quotes])
            if named:
                label, description = named
                source = "machine:llm"
        themes.append(
            Theme(
                key=f"{scope}#{c}",
                scope=scope,
                label=label,
                description=description,
                keywords=kw,
                quotes=quotes,
                size=int(len(members)),
                source=source,
            )
        )
    assignments = []
    for i, rid in enumerate(ids):
        if own[i] < floor:
            continue  # an outlier: belongs to no theme
        for c in np.flatnonzero(probs[i] >= ASSIGN_MIN_PROBABILITY):
            assignments.append(Assignment(rid, f"{scope}#{c}", round(float(probs[i, c]), 4)))
    return themes, assignments


def campaign_copies(
    campaigns: Iterable[Campaign], by_scope: dict[str, list[Unit]]
) -> dict[ResponseId, ResponseId]:
    """{copy id: the response that stands for it in its own scope}. A campaign is analysed once per scope
    through one member (its canonical text when that is in the scope, else the scope's first member), and
    the other members there take that member's themes. A letter pasted under several clauses is thus
    tagged under each clause with that clause's themes, never left untagged."""
    scope_of = {u.id: scope for scope, members in by_scope.items() for u in members}
    copies: dict[ResponseId, ResponseId] = {}
    for camp in campaigns:
        rep_in: dict[str, ResponseId] = {}
        canonical_scope = scope_of.get(camp.canonical_id)
        if canonical_scope is not None:
            rep_in[canonical_scope] = camp.canonical_id
        for m in camp.member_ids:
            scope = scope_of.get(m)
            if scope is None:
                continue
            rep = rep_in.setdefault(scope, m)
            if m != rep:
                copies[m] = rep
    return copies


def run_analysis(
    units: Iterable[Unit],
    *,
    engine: str | Engine = "basic",
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    chunk_size: int = 5_000,
    llm_client: LLMClient | None = None,
    detect_campaigns: bool = True,
    k: int | None = None,
) -> AnalysisResult:
    """Analyse a consultation's responses. Progress goes 0..100 in order; `should_cancel()` is checked
    between steps and chunks and raises AnalysisCancelled, so no half result is ever returned."""
    step = _Progress(progress, should_cancel)
    timings: dict[str, float] = {}
    step("start", 0)
    units = list(units)
    eng: Engine = (
        (get_engine(engine, client=llm_client) if engine == "llm" else get_engine(engine))
        if isinstance(engine, str)
        else engine
    )
    llm = eng if isinstance(eng, LLMEngine) else None
    # Sentence embeddings put a keyword and a theme's centre in one space; the basic engine's LSA is fitted
    # anew on every call, so its keywords are not comparable with its centres.
    base = eng.base if isinstance(eng, LLMEngine) else eng
    sentence_vectors = bool(getattr(base, "embeds_sentences", False))
    embed = (lambda terms: eng.vectorise(terms)) if getattr(eng, "embeds_sentences", False) else None

    t = time.perf_counter()
    found = []
    if detect_campaigns and units:
        found = campaigns_mod.detect_campaigns(
            ((u.id, u.text) for u in units), chunk_size=max(chunk_size, 1000), should_cancel=should_cancel
        )
    timings["campaigns"] = time.perf_counter() - t
    step("campaigns", 10)

    by_scope: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by_scope[u.scope].append(u)
    copies = campaign_copies(found, by_scope)
    total = sum(len(v) for v in by_scope.values()) or 1
    done = 0
    themes: list[Theme] = []
    assignments: list[Assignment] = []
    summaries: list[Summary] = []
    t_vec = t_clu = 0.0
    vader = _vader()
    for scope, scope_units in sorted(by_scope.items()):
        reps = [u for u in scope_units if u.id not in copies]
        base = 10 + 80 * done / total
        span = 80 * len(scope_units) / total
        t = time.perf_counter()
        n_reps = max(len(reps), 1)

        def on_chunk(n: int, b: float = base, s: float = span, m: int = n_reps) -> None:
            step("vectorising", b + 0.6 * s * n / m)

        step("vectorising", base)  # the first scope of an embeddings run also loads the model here
        vectors = eng.vectorise([u.text for u in reps], should_cancel=should_cancel, on_chunk=on_chunk)
        t_vec += time.perf_counter() - t
        t = time.perf_counter()
        scope_themes, scope_assign = analyse_scope(
            scope,
            [u.id for u in reps],
            [u.text for u in reps],
            vectors,
            k=k,
            llm=llm,
            embed=embed,
            centre=sentence_vectors,
        )
        by_rep: dict[ResponseId, list[Assignment]] = defaultdict(list)
        for a in scope_assign:
            by_rep[a.response_id].append(a)
        for u in scope_units:
            if u.id in copies:
                scope_assign.extend(
                    Assignment(u.id, a.theme_key, a.confidence) for a in by_rep.get(copies[u.id], [])
                )
        n_copies = sum(1 for u in scope_units if u.id in copies)
        for th in scope_themes:  # a theme's size counts every response, campaign copies included
            tagged = [a.response_id for a in scope_assign if a.theme_key == th.key]
            th.size = len(tagged)
            if n_copies and th.source == "machine":
                in_copies = sum(1 for rid in tagged if rid in copies)
                th.description = describe(th.size, len(scope_units), th.keywords, in_copies)
        t_clu += time.perf_counter() - t
        step("themes", base + 0.8 * span)
        items = [(u.id, u.text) for u in reps]
        sentiments = {u.id: vader.polarity_scores(u.text[:2000])["compound"] for u in reps}
        groups = {a.response_id: a.theme_key for a in sorted(scope_assign, key=lambda a: a.confidence)}
        summaries.append(extractive_summary(items, scope=scope, sentiments=sentiments, groups=groups))
        text_of = dict(items)
        for th in scope_themes:
            members = [(rid, text_of[rid]) for rid, key in groups.items() if key == th.key and rid in text_of]
            summaries.append(extractive_summary(members, scope=th.key, sentiments=sentiments))
            if llm is not None and members:
                abstractive = llm.summarise([(rid, _quote(text, 500)) for rid, text in members[:40]])
                if abstractive:
                    summaries.append(Summary(scope=th.key, method="abstractive", sentences=abstractive))
        themes.extend(scope_themes)
        assignments.extend(scope_assign)
        done += len(scope_units)
        step("summaries", 10 + 80 * done / total)
    if llm is not None and themes:
        themes, assignments = _condense(llm, themes, assignments)
    timings["vectorise"] = t_vec
    timings["cluster"] = t_clu
    step("done", 100)
    return AnalysisResult(
        engine=eng.name,
        themes=themes,
        assignments=assignments,
        summaries=summaries,
        campaigns=found,
        timings=timings,
    )


def _condense(llm: LLMEngine, themes: list[Theme], assignments: list[Assignment]):
    out_themes: list[Theme] = []
    rename: dict[str, str] = {}
    by_scope: dict[str, list[Theme]] = defaultdict(list)
    for th in themes:
        by_scope[th.scope].append(th)
    for scope_themes in by_scope.values():
        for group in llm.condense([t.label for t in scope_themes]):
            keep = scope_themes[group[0]]
            for i in group[1:]:
                other = scope_themes[i]
                rename[other.key] = keep.key
                keep.size += other.size
                keep.keywords = list(dict.fromkeys(keep.keywords + other.keywords))[:10]
                keep.quotes = (keep.quotes + other.quotes)[:3]
            out_themes.append(keep)
    merged: dict[tuple[ResponseId, str], float] = {}
    for a in assignments:
        key = (a.response_id, rename.get(a.theme_key, a.theme_key))
        merged[key] = max(merged.get(key, 0.0), a.confidence)
    return out_themes, [Assignment(r, k, c) for (r, k), c in merged.items()]


__all__ = [
    "run_analysis",
    "analyse_scope",
    "campaign_copies",
    "choose_k",
    "cluster",
    "ctfidf_keywords",
    "machine_label",
    "is_noise_token",
    "plural",
    "SummarySentence",
]
