"""Figures for the text-analysis engine (`policycycle.analysis`): run alone with
`.venv/bin/python -m benchmarks.analysis_bench`, or through `benchmarks/run.py` via `run(results)`.

Sizes (environment variables):
  DHD_BENCH_CAMPAIGN_N   responses for campaign-detection timing (default 100000; set 1000000 for the budget)
  DHD_BENCH_ANALYSIS_N   responses for the end-to-end run (default 20000; set 100000 for the budget)
  DHD_BENCH_ANALYSIS_ENGINE  engine of that run (default basic)
  DHD_BENCH_QUICK=1      skip the slow quality figures (evidence F1, triage, tagging)
Synthetic large sets are built from the real shared comments: each response is a real comment with a
third of its words swapped for words from other real comments, so no two are identical; injected
campaigns are mixed in.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def synthetic_items(n: int, *, seed: int = 3):
    """n distinct responses derived from real comments (streamed, not held in memory)."""
    from policycycle.analysis import corpora

    rng = random.Random(seed)
    real = [c.text for c in corpora.real_comments()]
    vocab = sorted({w for t in real[:2000] for w in t.split() if w.isalpha() and len(w) > 3})
    injected = corpora.inject_campaigns(n_campaigns=20, members=50, seed=seed)
    campaign_items = injected.items[-1000:] if n > 20_000 else []
    for i in range(n - len(campaign_items)):
        words = rng.choice(real).split()
        for _ in range(max(1, len(words) // 3)):
            words[rng.randrange(len(words))] = rng.choice(vocab)
        yield (f"s{i}", " ".join(words))
    yield from campaign_items


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_enrichment(results: dict) -> None:
    from policycycle.analysis import corpora
    from policycycle.analysis.enrich import enrich

    texts = [c.text for c in corpora.real_comments()][::25][:200]
    enrich(texts[0])  # warm-up: loads the cached classifiers and the embedding model
    samples = []
    for t in texts:
        start = time.perf_counter()
        enrich(t)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    results["analysis: enrichment p50"] = {"value": round(statistics.median(samples), 1), "unit": "ms"}
    results["analysis: enrichment p95"] = {"value": round(samples[int(0.95 * len(samples))], 1), "unit": "ms"}


def bench_stance(results: dict) -> None:
    """With the stance model built (`make models`): enrichment of a response to a proposal when it asks the
    model itself and when it leaves stance to the consultation's refit (what the product does), and what
    the refit's batched read costs per response."""
    from policycycle.analysis import corpora
    from policycycle.analysis import stance as learned
    from policycycle.analysis.enrich import enrich

    model = learned.StanceModel.load()
    if model is None:
        return
    proposal = "The council should introduce a congestion charge for the city centre."
    texts = [c.text for c in corpora.real_comments()][::25][:100]
    enrich(texts[0], clause_text=proposal)
    for name, now in (("asking the model", True), ("stance left to the refit", False)):
        samples = []
        for t in texts:
            start = time.perf_counter()
            enrich(t, clause_text=proposal, model_stance=now)
            samples.append((time.perf_counter() - start) * 1000)
        results[f"analysis: enrichment with a proposal, {name}, p50"] = {
            "value": round(statistics.median(samples), 1),
            "unit": "ms",
        }
    for name, size in (("one at a time", 1), ("32 at a time", 32)):
        start = time.perf_counter()
        model.logits([proposal] * len(texts), texts, batch_size=size)
        results[f"analysis: stance model read, {name}, per response"] = {
            "value": round((time.perf_counter() - start) * 1000 / len(texts), 1),
            "unit": "ms",
        }


def bench_campaigns(results: dict) -> None:
    from policycycle.analysis import corpora
    from policycycle.analysis.campaigns import detect_campaigns

    injected = corpora.inject_campaigns(n_campaigns=10, members=30, seed=7)
    for label, inj in (
        ("synonym-swapped", injected),
        ("random-swapped", corpora.inject_campaigns(n_campaigns=10, members=30, seed=8, random_swaps=True)),
    ):
        found = detect_campaigns(inj.items)
        recalled = organic = 0
        for c in found:
            major = Counter(inj.campaign_of.get(m) for m in c.member_ids).most_common(1)[0][0]
            recalled += sum(1 for m in c.member_ids if major and inj.campaign_of.get(m) == major)
            organic += sum(1 for m in c.member_ids if m in inj.organic_ids)
        results[f"analysis: campaign recall ({label})"] = {
            "value": round(recalled / len(inj.campaign_of), 4),
            "unit": "fraction",
        }
        results[f"analysis: organic comments wrongly grouped ({label})"] = {
            "value": round(organic / len(inj.organic_ids), 4),
            "unit": "fraction",
        }
    n = _env_int("DHD_BENCH_CAMPAIGN_N", 100_000)
    start = time.perf_counter()
    found = detect_campaigns(synthetic_items(n), chunk_size=50_000)
    results[f"analysis: campaign detection, {n} responses"] = {
        "value": round(time.perf_counter() - start, 1),
        "unit": "s",
    }
    results["analysis: campaigns found in the synthetic set"] = {"value": len(found), "unit": "campaigns"}
    results["analysis: peak memory after campaign detection"] = {"value": round(_peak_mb()), "unit": "MB"}


def bench_run(results: dict) -> None:
    from policycycle.analysis.themes import run_analysis
    from policycycle.analysis.types import Unit

    n = _env_int("DHD_BENCH_ANALYSIS_N", 20_000)
    engine = os.environ.get("DHD_BENCH_ANALYSIS_ENGINE", "basic")
    units = [Unit(i, t, scope=f"clause:{k % 10}") for k, (i, t) in enumerate(synthetic_items(n, seed=5))]
    start = time.perf_counter()
    result = run_analysis(units, engine=engine)
    results[f"analysis: {engine} run, {n} responses, 10 clauses"] = {
        "value": round(time.perf_counter() - start, 1),
        "unit": "s",
    }
    results["analysis: themes drafted"] = {"value": len(result.themes), "unit": "themes"}
    results["analysis: peak memory after run"] = {"value": round(_peak_mb()), "unit": "MB"}
    from policycycle.analysis import resources

    sample = [u.text for u in units[:2000]]
    resources.embed(sample[:64])
    start = time.perf_counter()
    resources.embed(sample)
    rate = len(sample) / (time.perf_counter() - start)
    results["analysis: embedding throughput (MiniLM, CPU)"] = {"value": round(rate), "unit": "texts/s"}


def bench_quality(results: dict) -> None:
    from policycycle.analysis import evaluation, evidence

    scores = evidence.macro_f1_on_test()
    results["analysis: evidence macro-F1, Regulation Room test (u/n/e)"] = {
        "value": round(scores["macro_f1_3class"], 4),
        "unit": "F1",
    }
    results["analysis: evidence macro-F1, Regulation Room test (evidence-rich yes/no)"] = {
        "value": round(scores["macro_f1_binary"], 4),
        "unit": "F1",
    }
    triage = evaluation.triage_on_bowling_green()
    results["analysis: auto-hold precision vs Bowling Green rejections"] = {
        "value": triage["precision"],
        "unit": "fraction",
    }
    results["analysis: auto-hold recall vs Bowling Green rejections"] = {
        "value": triage["recall"],
        "unit": "fraction",
    }
    results["analysis: auto-hold precision, scores only (no near-duplicate check)"] = {
        "value": triage["precision_scores_only"],
        "unit": "fraction",
    }
    results["analysis: auto-hold recall, scores only (no near-duplicate check)"] = {
        "value": triage["recall_scores_only"],
        "unit": "fraction",
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = evaluation.build_polis_topics_set(Path(tmp) / "polis", per_theme=60)
        for engine in ("basic", "embeddings"):
            start = time.perf_counter()
            m = evaluation.evaluate(path, engine=engine, seed_per_theme=5)
            results[f"analysis: tagging F1 at K=5 ({engine}, Polis topics)"] = {
                "value": m["tagging_f1"],
                "unit": "F1",
            }
            results[f"analysis: gold themes rediscovered ({engine}, of {m['gold_themes']})"] = {
                "value": m["discovered_themes"],
                "unit": "themes",
            }
            results[f"analysis: evaluation time ({engine}, {m['responses']} responses)"] = {
                "value": round(time.perf_counter() - start, 1),
                "unit": "s",
            }


def bench_argkp(results: dict) -> None:
    """Tagging on the ArgKP dev topics (never the test split): strict F1 at K = 0, 5, 10, mean and sd
    over 5 draws (and the same predictions under evaluation.ARGKP_OTHER_SCORINGS, beside it), the
    tagger beside per-theme logistic regression on the same vectors and draws; with the tuned matcher
    when `make models` has built it, and with the packaged MiniLM. SetFit (the bench extra) runs beside
    them on the vectors the product uses (the last variant): 40 tuning runs cost minutes. The `llm`
    engine runs beside them too, on that variant, when DHD_LLM_BASE_URL names an OpenAI-compatible
    endpoint (a figure says "not run" otherwise)."""
    from policycycle.analysis import evaluation, matcher
    from policycycle.analysis.engines import OpenAICompatibleClient

    variants = [False, True] if matcher.matcher_path() else [False]
    for tuned in variants:
        start = time.perf_counter()
        last = tuned == variants[-1]
        figures = evaluation.evaluate_argkp(
            "dev",
            ks=(0, 5, 10),
            draws=5,
            matcher=tuned,
            setfit=last,
            llm_client=OpenAICompatibleClient.from_env() if last else None,
        )
        vectors = figures["vectors"]
        for name, reason in figures["skipped"].items():
            if name == "llm" and not last:
                continue
            results[f"analysis: ArgKP dev tagging ({name}, {vectors})"] = {"value": "not run", "unit": reason}
        # strict (the headline), then the same predictions under the other scorings, beside it
        scorings = [("", figures["tagging"])]
        scorings += [(f", {name}", s["tagging"]) for name, s in figures["other_scorings"].items()]
        for suffix, tagging in scorings:
            for k, methods in tagging.items():
                for method, v in methods.items():
                    key = f"analysis: ArgKP dev tagging F1 at {k} ({method}, {vectors}{suffix})"
                    results[key] = {
                        "value": v["f1"]["mean"],
                        "sd": v["f1"]["sd"],
                        "precision": v["precision"]["mean"],
                        "recall": v["recall"]["mean"],
                        "per_topic": {t: x["f1"]["mean"] for t, x in v["per_topic"].items()},
                        "draws": figures["draws"],
                        "unit": "F1",
                    }
        for method, m in figures["stance"]["methods"].items():  # rules, learned, learned + consultation
            for name in ("accuracy", "macro_f1"):
                results[f"analysis: ArgKP dev stance {name} ({method})"] = {
                    "value": m[name]["mean"],
                    "sd": m[name]["sd"],
                    "per_topic": {t: v[name] for t, v in m["per_topic"].items()},
                    "unit": "fraction",
                }
        results[f"analysis: ArgKP dev evaluation time ({vectors})"] = {
            "value": round(time.perf_counter() - start, 1),
            "unit": "s",
        }


def bench_review(results: dict) -> None:
    """The review screen on the ArgKP dev topics (evaluation.argkp_review): tagging F1 after each of 3
    rounds of answering each theme's 5 offered tags after the K = 5 draws, least sure first beside a
    random order, with the vectors the product uses; mean and sd over 5 draws."""
    from policycycle.analysis import evaluation

    start = time.perf_counter()
    figures = evaluation.argkp_review("dev", rounds=3, draws=5)
    for r, orders in figures["tagging"].items():
        for order, v in orders.items():
            results[f"analysis: ArgKP dev review screen F1 after {r} ({order})"] = {
                "value": v["f1"]["mean"],
                "sd": v["f1"]["sd"],
                "precision": v["precision"]["mean"],
                "recall": v["recall"]["mean"],
                "answers_per_theme": v["answers"],
                "rejections_per_theme": v["rejections"],
                "scored_arguments": figures["scored_arguments"]["mean"],
                "unit": "F1",
            }
    results["analysis: ArgKP dev review screen evaluation time"] = {
        "value": round(time.perf_counter() - start, 1),
        "unit": "s",
    }


def bench_discovery(results: dict) -> None:
    """Theme discovery on the ArgKP dev topics: best-match F1 against the key points (and the reverse),
    mean and sd over 5 clustering seeds, the engine beside BERTopic on the same vectors (BERTopic only
    when the `bench` extra is installed; otherwise the reason is recorded)."""
    from policycycle.analysis import evaluation

    start = time.perf_counter()
    figures = evaluation.evaluate_discovery("dev", seeds=5)
    for method, v in figures["methods"].items():
        key = f"analysis: ArgKP dev discovery best-match F1 ({method}, {figures['vectors']})"
        if "unavailable" in v:
            results[key] = {"value": None, "not_run": v["unavailable"], "unit": "F1"}
            continue
        results[key] = {
            "value": v["best_match_f1"]["mean"],
            "sd": v["best_match_f1"]["sd"],
            "theme_f1": v["theme_f1"]["mean"],
            "themes_per_topic": v["themes"],
            "per_topic": {t: x["mean"] for t, x in v["per_topic"].items()},
            "seeds": figures["seeds"],
            "unit": "F1",
        }
    results["analysis: ArgKP dev discovery evaluation time"] = {
        "value": round(time.perf_counter() - start, 1),
        "unit": "s",
    }


def run(results: dict) -> dict:
    bench_enrichment(results)
    bench_stance(results)
    bench_campaigns(results)
    bench_run(results)
    if os.environ.get("DHD_BENCH_QUICK") != "1":
        bench_quality(results)
        bench_argkp(results)
        bench_review(results)
        bench_discovery(results)
    results["analysis: load average during the benchmark"] = {
        "value": round(os.getloadavg()[0], 1),
        "unit": "load (2 cores)",
    }
    return results


if __name__ == "__main__":
    import json

    out: dict = {}
    run(out)
    width = max(len(k) for k in out)
    for key, fig in out.items():
        print(f"{key:<{width}}  {fig['value']:>10} {fig['unit']}")
    print(json.dumps(out))
