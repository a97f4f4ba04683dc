"""python manage.py evaluate_analysis <dir> [--engine ...] [--seed-per-theme K]: prints one JSON object.
python manage.py evaluate_analysis --argkp dev [--draws 5] [--k 0,5,10] [--packaged] [--json]: tagging
(and stance) on the ArgKP dev topics, mean and spread over draws, per topic, beside the baselines
(per-theme logistic regression; SetFit when the `bench` extra is installed, else a line says why not), and
the same predictions under two other scorings (evaluation.ARGKP_OTHER_SCORINGS) after the strict ones; and
theme discovery (best-match F1 against the key points) beside BERTopic on the same vectors, over as many
seeds as draws (--no-discovery leaves it out). When an OpenAI-compatible endpoint is configured
(LLM_BASE_URL), the `llm` engine reads the same arguments on the same draws (--no-llm leaves it out).
With --review N: N rounds of the review screen after the K = 5 draws, least sure first beside a random
order (evaluation.argkp_review)."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policycycle.analysis import DEFAULT_ENGINE


def _fmt(v: dict) -> str:
    return f"{v['mean']:.3f} ± {v['sd']:.3f}"


def argkp_table(figures: dict) -> list[str]:
    """The ArgKP figures as plain-text lines: headline per K and method, then per topic."""
    lines = [
        f"ArgKP {figures['split']}: {len(figures['topics'])} topics, {figures['arguments']} arguments, "
        f"{figures['draws']} draws of confirmed examples, vectors: {figures['vectors']}",
        "tagging (strict; mean ± sd over draws of the mean over topics)",
        f"  {'K':<5} {'method':<23} {'precision':>15} {'recall':>15} {'F1':>15}",
    ]
    for k, methods in figures["tagging"].items():
        for method, v in methods.items():
            scores = " ".join(f"{_fmt(v[name]):>15}" for name in ("precision", "recall", "f1"))
            lines.append(f"  {k:<5} {method:<23} {scores}")
    for name, reason in (figures.get("skipped") or {}).items():
        lines.append(f"  {name}: not run: {reason}")
    if figures.get("setfit_settings"):
        lines.append(f"  setfit settings: {figures['setfit_settings']}")
    lines.append("tagging F1 per topic (mean ± sd over draws)")
    for k, methods in figures["tagging"].items():
        for method, v in methods.items():
            for topic, t in v["per_topic"].items():
                lines.append(f"  {k:<5} {method:<23} {_fmt(t['f1']):>15}  {topic}")
    for name, scoring in (figures.get("other_scorings") or {}).items():
        lines.append(f"tagging scored with {name} (beside the strict headline; never used to choose)")
        lines.append(f"  {name}: {scoring['what']}")
        for k, methods in scoring["tagging"].items():
            for method, v in methods.items():
                scores = " ".join(f"{_fmt(v[m]):>15}" for m in ("precision", "recall", "f1"))
                lines.append(f"  {k:<5} {method:<23} {scores}")
    stance = figures.get("stance") or {}
    if stance:
        lines.append(f"stance (in use: {stance['method']}; mean ± sd over draws of the mean over topics)")
    for name, m in (stance.get("methods") or {}).items():
        lines.append(f"  {name:<42} accuracy {_fmt(m['accuracy'])}, macro-F1 {_fmt(m['macro_f1'])}")
    for name, m in (stance.get("methods") or {}).items():
        for topic, v in m["per_topic"].items():
            lines.append(
                f"  {name:<42} accuracy {v['accuracy']:.3f} ± {v['accuracy_sd']:.3f}, "
                f"macro-F1 {v['macro_f1']:.3f} ± {v['macro_f1_sd']:.3f}  {topic}"
            )
    if stance.get("scoring"):
        lines.append(f"stance scoring: {stance['scoring']}")
    lines.append(f"scoring: {figures['scoring']}")
    return lines


def discovery_table(figures: dict) -> list[str]:
    """Discovery figures as plain-text lines: best-match F1 per method, then per topic."""
    lines = [
        f"discovery on ArgKP {figures['split']}: best-match F1 against {figures['gold_themes']} expert key "
        f"points (mean ± sd over {figures['seeds']} seeds of the mean over topics; vectors: "
        f"{figures['vectors']})",
    ]
    for method, v in figures["methods"].items():
        if "unavailable" in v:
            lines.append(f"  {method:<9} not run: {v['unavailable']}")
            continue
        lines.append(
            f"  {method:<9} {_fmt(v['best_match_f1']):>15}  (reverse, theme F1 {_fmt(v['theme_f1'])}; "
            f"{v['themes']} themes per topic)"
        )
    for method, v in figures["methods"].items():
        for topic, t in v.get("per_topic", {}).items():
            lines.append(f"  {method:<9} {_fmt(t):>15}  {topic}")
    lines.append(f"discovery scoring: {figures['scoring']}")
    return lines


def review_table(figures: dict) -> list[str]:
    """The review screen's figures as plain-text lines: F1 after each round per order, then per topic."""
    lines = [
        f"review screen on ArgKP {figures['split']}: K = {figures['k']}, then {figures['rounds']} rounds of "
        f"{figures['batch']} offered tags per theme; {figures['draws']} draws; scored on "
        f"{figures['scored_arguments']['mean']:.0f} arguments per topic and draw (mean)",
        f"  {'round':<8} {'order':<11} {'answers/theme':>13} {'rejections':>10} {'precision':>15} "
        f"{'recall':>15} {'F1':>15}",
    ]
    for r, orders in figures["tagging"].items():
        for order, v in orders.items():
            scores = " ".join(f"{_fmt(v[name]):>15}" for name in ("precision", "recall", "f1"))
            lines.append(f"  {r:<8} {order:<11} {v['answers']:>13.1f} {v['rejections']:>10.1f} {scores}")
    for r, orders in figures["tagging"].items():
        for order, v in orders.items():
            for topic, t in v["per_topic"].items():
                lines.append(f"  {r:<8} {order:<11} {_fmt(t['f1']):>15}  {topic}")
    lines.append(f"review scoring: {figures['scoring']}")
    return lines


class Command(BaseCommand):
    help = (
        "Evaluate the analysis engine on a labelled set (question.json, responses.jsonl, themes.json, "
        "mapping.jsonl, optional sentiment.jsonl and detail_detection.jsonl); prints one JSON object. "
        "With --argkp dev: the ArgKP dev topics (the test split is refused)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?")
        parser.add_argument("--engine", choices=["basic", "embeddings", "llm"], default=DEFAULT_ENGINE)
        parser.add_argument("--seed-per-theme", type=int, default=5, dest="seed_per_theme")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--argkp", metavar="SPLIT", help="'dev' to report, 'train' to develop")
        parser.add_argument("--draws", type=int, default=5)
        parser.add_argument("--k", default="0,5,10", help="confirmed examples per theme, e.g. 0,5,10")
        parser.add_argument(
            "--packaged", action="store_true", help="the packaged MiniLM even when `make models` has run"
        )
        parser.add_argument("--json", action="store_true", help="print the ArgKP figures as one JSON object")
        parser.add_argument(
            "--no-discovery",
            action="store_true",
            help="leave out theme discovery (the engine and BERTopic clustering each topic once per seed)",
        )
        parser.add_argument(
            "--no-setfit", action="store_true", help="leave out the SetFit baseline (minutes per draw on CPU)"
        )
        parser.add_argument(
            "--review",
            type=int,
            default=0,
            metavar="ROUNDS",
            help="also simulate this many rounds of the review screen after the K = 5 draws",
        )
        parser.add_argument(
            "--no-llm",
            action="store_true",
            help="leave out the llm engine even when LLM_BASE_URL names an endpoint (calls cost money)",
        )

    def handle(self, *args, directory: str | None, engine: str, seed_per_theme: int, seed: int, **options):
        if options.get("argkp") is not None:
            return self._argkp(options)
        if not directory:
            raise CommandError("Name a labelled set's directory, or --argkp dev")
        from insights.engines import llm_client
        from policycycle.analysis.evaluation import evaluate

        if seed_per_theme < 1:
            raise CommandError("--seed-per-theme must be at least 1")
        client = llm_client() if engine == "llm" else None
        if engine == "llm" and client is None:
            raise CommandError(
                "--engine llm needs an endpoint: set LLM_BASE_URL (and LLM_API_KEY, LLM_MODEL)"
            )
        try:
            figures = evaluate(
                Path(directory), engine=engine, seed_per_theme=seed_per_theme, seed=seed, llm_client=client
            )
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        except (ValueError, KeyError, TypeError) as exc:  # bad JSON, a line without its fields
            raise CommandError(f"Could not evaluate {directory}: {exc}") from exc
        self.stdout.write(json.dumps(figures))

    def _argkp(self, options):
        from insights.engines import llm_client
        from policycycle.analysis import argkp
        from policycycle.analysis.evaluation import argkp_review, evaluate_argkp, evaluate_discovery

        split = options["argkp"]
        if split not in argkp.SPLITS:
            raise CommandError(argkp.REFUSAL.format(split=split))
        try:
            ks = tuple(sorted({int(k) for k in options["k"].split(",") if k.strip()}))
        except ValueError as exc:
            raise CommandError("--k takes whole numbers separated by commas, e.g. 0,5,10") from exc
        if not ks or min(ks) < 0 or options["draws"] < 1:
            raise CommandError("--k needs numbers >= 0 and --draws at least 1")
        if options["review"] < 0:
            raise CommandError("--review takes a number of rounds, 0 or more")
        # what the libraries print while they train (SetFit's trainer logs each step) goes to stderr:
        # standard output carries only the figures, so that --json is one JSON object
        with contextlib.redirect_stdout(sys.stderr):
            try:
                figures = evaluate_argkp(
                    split,
                    ks=ks,
                    draws=options["draws"],
                    matcher=not options["packaged"],
                    setfit=not options["no_setfit"],
                    llm_client=None if options.get("no_llm") else llm_client(),
                )
            except FileNotFoundError as exc:
                raise CommandError(str(exc)) from exc
            if options.get("no_llm"):
                figures["skipped"]["llm"] = "left out (--no-llm)"
            if not options.get("no_discovery"):
                figures["discovery"] = evaluate_discovery(
                    split, seeds=options["draws"], matcher=not options["packaged"]
                )
            if options["review"]:
                figures["review"] = argkp_review(
                    split, rounds=options["review"], draws=options["draws"], matcher=not options["packaged"]
                )
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            lines = argkp_table(figures)
            if "discovery" in figures:
                lines += discovery_table(figures["discovery"])
            if "review" in figures:
                lines += review_table(figures["review"])
            self.stdout.write("\n".join(lines))
