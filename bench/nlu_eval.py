"""NLU figures for minwon: per-intent precision/recall per language, training time, and how
often out-of-scope TEST utterances land on a transactional intent.

Run from the repository root under the Rasa environment:

    .venv-rasa/bin/python bench/nlu_eval.py                 # 3-fold CV + out-of-scope test
    .venv-rasa/bin/python bench/nlu_eval.py --folds 0       # only the out-of-scope test
    .venv-rasa/bin/python bench/nlu_eval.py --config other.yml --oos-sample 0   # CV only

Cross-validation uses our data (data/nlu/{ko,en}), folds stratified by language and intent with
a fixed seed. The out-of-scope test draws (fixed seed, at most --oos-sample utterances) from the
TEST splits of ../shared/datasets (CLINC150 test minus the small-talk intents that are ours, plus
oos_test; 3i4k fci_test.txt minus civic lines), which never go into data/. The threshold table is
computed on the out-of-fold predictions (validation), never on the test splits.

The held-out report parses tests/nlu/heldout (citizen sentences written apart from data/, see its
README) with the full model trained here, or with models/minwon.tar.gz under --heldout-only:

    .venv-rasa/bin/python bench/nlu_eval.py --heldout-only

It is only reported; nothing (thresholds included) is chosen on it.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# no training cache: the printed training times must be real, and folds must not reuse each other
os.environ.setdefault("RASA_MAX_CACHE_SIZE", "0")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRANSACTIONAL = (
    "check_application_status", "pay_fine", "change_address",
    "file_complaint", "subscribe_updates", "check_payment",
)
DATASETS = Path(os.environ.get("MINWON_DATASETS", ROOT.parent / "shared" / "datasets"))
if not DATASETS.exists():
    DATASETS = Path("/work/shared/datasets")
# CLINC150 intents that are ours (small talk, meta): not out of scope for minwon.
CLINC_OURS = {
    "greeting", "goodbye", "thank_you", "are_you_a_bot", "what_can_i_ask_you", "yes", "no",
    "cancel", "change_language", "maybe", "repeat", "user_name", "change_user_name",
    "who_do_you_work_for", "who_made_you", "what_is_your_name", "whisper_mode",
    "reset_settings", "sync_device", "change_ai_name", "change_accent", "change_speed",
    "change_volume",
}
# 3i4k lines about civil services or our small talk (rare, but in scope): not counted.
CIVIC_KO = re.compile(
    r"민원|신청|과태료|벌금|범칙금|주소|이사|전입|신고|상담|결제|납부|알림|접수|안녕|감사|고마|"
    r"취소|도움|도와|번호|서류|여권|가로등|소음|시끄|쓰레기|주차|사람|직원|공무원|구청|시청|"
    r"주민센터|동사무소|영어|한국어|로봇|봇|처리|진행|답변|등본|면허|허가|수당|세금|공원|도로|버스"
)
Example = Tuple[str, str, str]  # (language, intent, text-with-annotations as Message)


def load_examples(data_dir: Path):
    from rasa.shared.nlu.training_data.loading import load_data

    shared = load_data(str(data_dir))  # everything, for synonyms/regexes
    examples = []
    for lang in ("ko", "en"):
        td = load_data(str(data_dir / lang))
        examples += [(lang, m) for m in td.intent_examples]
    return shared, examples


def folds_of(examples, k: int, seed: int) -> List[List[int]]:
    groups: Dict[Tuple[str, str], List[int]] = collections.defaultdict(list)
    for i, (lang, m) in enumerate(examples):
        groups[(lang, m.get("intent"))].append(i)
    rng = random.Random(seed)
    folds: List[List[int]] = [[] for _ in range(k)]
    for key in sorted(groups):
        idx = groups[key][:]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[j % k].append(i)
    return folds


def train(config: str, shared, messages, out_dir: str, name: str) -> Tuple[str, float]:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.training_data import TrainingData

    td = TrainingData(
        training_examples=list(messages),
        entity_synonyms=shared.entity_synonyms,
        regex_features=shared.regex_features,
        lookup_tables=shared.lookup_tables,
    )
    nlu_file = Path(out_dir) / f"{name}.yml"
    nlu_file.write_text(td.nlu_as_yaml(), encoding="utf-8")
    started = time.perf_counter()
    model = train_nlu(config, str(nlu_file), out_dir, fixed_model_name=name)
    return model, time.perf_counter() - started


class Parser:
    def __init__(self, model_path: str) -> None:
        from rasa.core.agent import Agent

        started = time.perf_counter()
        self.agent = Agent.load(model_path)
        self.load_seconds = time.perf_counter() - started
        self.loop = asyncio.new_event_loop()

        self.seconds: List[float] = []

    def parse(self, texts: Sequence[str]) -> List[dict]:
        async def run():
            results = []
            for text in texts:
                started = time.perf_counter()
                results.append(await self.agent.parse_message(text))
                self.seconds.append(time.perf_counter() - started)
            return results

        return self.loop.run_until_complete(run())

    def latency(self) -> str:
        ms = sorted(1000 * s for s in self.seconds)

        def pick(q: float) -> float:
            return ms[min(len(ms) - 1, int(q * len(ms)))]

        return f"p50 {pick(0.5):.1f} ms, p95 {pick(0.95):.1f} ms, p99 {pick(0.99):.1f} ms"


def top_of(parse: dict) -> Tuple[str, float, float]:
    """(best real intent, its confidence, margin to the second) ignoring nlu_fallback."""
    ranking = [r for r in parse.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
    if not ranking:
        return parse["intent"]["name"], parse["intent"]["confidence"], 1.0
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    return ranking[0]["name"], ranking[0]["confidence"], ranking[0]["confidence"] - second


def decide(top: Tuple[str, float, float], threshold: float, ambiguity: float) -> str:
    name, conf, margin = top
    return "nlu_fallback" if conf < threshold or margin < ambiguity else name


def fallback_settings(config: str) -> Tuple[float, float]:
    from rasa.shared.utils.io import read_yaml_file

    for item in read_yaml_file(config).get("pipeline", []):
        if item.get("name") == "FallbackClassifier":
            return float(item.get("threshold", 0.3)), float(item.get("ambiguity_threshold", 0.1))
    return 0.0, 0.0


def report_cv(rows, threshold: float, ambiguity: float) -> None:
    for lang in ("ko", "en"):
        mine = [r for r in rows if r[0] == lang]
        gold_count = collections.Counter(r[1] for r in mine)
        pred = [(r[1], decide(r[2], threshold, ambiguity)) for r in mine]
        pred_count = collections.Counter(p for _, p in pred)
        hit = collections.Counter(g for g, p in pred if g == p)
        print(f"\n[{lang}] per-intent (out-of-fold, fallback applied), n={len(mine)}")
        print(f"  {'intent':28s} {'prec':>6s} {'recall':>6s} {'f1':>6s} {'n':>5s}")
        f1s = []
        for intent in sorted(gold_count):
            p = hit[intent] / pred_count[intent] if pred_count[intent] else 0.0
            r = hit[intent] / gold_count[intent]
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            f1s.append(f1)
            print(f"  {intent:28s} {p:6.3f} {r:6.3f} {f1:6.3f} {gold_count[intent]:5d}")
        acc = sum(hit.values()) / len(mine)
        confused = collections.Counter((g, p) for g, p in pred if g != p).most_common(8)
        print("  most confused (gold -> predicted): "
              + ", ".join(f"{g}->{p} {n}" for (g, p), n in confused))
        print(f"  macro-F1 {sum(f1s) / len(f1s):.3f}   accuracy {acc:.3f}   "
              f"to fallback {pred_count['nlu_fallback'] / len(mine):.3f}")


def report_thresholds(rows, ambiguity: float) -> None:
    print("\nthreshold table (validation = out-of-fold predictions on our data)")
    print(f"  {'thr':>5s} {'in-scope acc':>12s} {'in-scope->fallback':>18s} "
          f"{'oos->transactional':>18s}")
    inscope = [r for r in rows if r[1] != "out_of_scope"]
    oos = [r for r in rows if r[1] == "out_of_scope"]
    for thr in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        acc = sum(decide(r[2], thr, ambiguity) == r[1] for r in inscope) / len(inscope)
        fb = sum(decide(r[2], thr, ambiguity) == "nlu_fallback" for r in inscope) / len(inscope)
        bad = sum(decide(r[2], thr, ambiguity) in TRANSACTIONAL for r in oos) / max(1, len(oos))
        print(f"  {thr:5.2f} {acc:12.3f} {fb:18.3f} {bad:18.3f}")


def oos_test_set(limit: int, seed: int) -> List[Tuple[str, str]]:
    data = json.loads((DATASETS / "clinc150" / "data_full.json").read_text())
    en = [t for t, i in data["test"] if i not in CLINC_OURS] + [t for t, _ in data["oos_test"]]
    ko, skipped = [], 0
    for line in (DATASETS / "3i4k" / "fci_test.txt").read_text(encoding="utf-8").splitlines():
        _, _, text = line.partition("\t")
        text = text.strip()
        if not text:
            continue
        if CIVIC_KO.search(text):
            skipped += 1
            continue
        ko.append(text)
    rng = random.Random(seed)
    half = limit // 2
    en = rng.sample(en, min(half, len(en)))
    ko = rng.sample(ko, min(limit - len(en), len(ko)))
    print(f"\nout-of-scope TEST sample (seed {seed}, limit {limit}): {len(en)} CLINC150 test+oos_test "
          f"(our small-talk intents excluded), {len(ko)} 3i4k fci_test "
          f"({skipped} civic/small-talk lines excluded)")
    return [("en", t) for t in en] + [("ko", t) for t in ko]


def report_oos(parser: Parser, sample, threshold: float, ambiguity: float) -> None:
    parses = parser.parse([t for _, t in sample])
    for lang in ("en", "ko", "all"):
        mine = [p for (said_in, _), p in zip(sample, parses) if lang in ("all", said_in)]
        landed = collections.Counter(decide(top_of(p), threshold, ambiguity) for p in mine)
        bad = sum(landed[i] for i in TRANSACTIONAL)
        share = bad / max(1, len(mine))
        print(f"  [{lang}] n={len(mine)} on a transactional intent above threshold: {bad} "
              f"({share:.2%})  goal < 2%  | out_of_scope {landed['out_of_scope'] / max(1, len(mine)):.1%}"
              f", fallback {landed['nlu_fallback'] / max(1, len(mine)):.1%}")
        if lang == "all":
            print("  by intent: " + ", ".join(f"{i}={landed[i]}" for i in TRANSACTIONAL))


HELDOUT = ROOT / "tests" / "nlu" / "heldout"


HELDOUT_SETS = ("heldout", "heldout2")  # heldout2_*: written later, by a writer who had seen neither data/ nor set 1


def heldout_set(prefix: str = "heldout") -> list[tuple[str, str, str, bool]]:
    """(language, intent, text, shares our vocabulary) of one set in tests/nlu/heldout: report only, never tuned
    on."""
    from rasa.shared.nlu.training_data.loading import load_data

    items = []
    for lang in ("ko", "en"):
        for name, vocab in ((f"{prefix}_{lang}.yml", False), (f"{prefix}_oos_vocab_{lang}.yml", True)):
            for m in load_data(str(HELDOUT / name)).intent_examples:
                items.append((lang, m.get("intent"), m.get("text"), vocab))
    return items


def report_heldout(parser: Parser, items, threshold: float, ambiguity: float,
                   name: str = "heldout") -> dict[str, float]:
    """Prints per-intent P/R and accuracy per language (nlu_fallback is right only for an out-of-scope
    line) and the out-of-scope false triggers; returns the headline figures (for a comparison table)."""
    figures = {}
    parses = parser.parse([t for _, _, t, _ in items])
    rows = []
    for (lang, gold, _, vocab), p in zip(items, parses):
        pred = decide(top_of(p), threshold, ambiguity)
        if gold == "out_of_scope" and pred == "nlu_fallback":
            pred = "out_of_scope"  # not started, not misread: what an out-of-scope line should get
        rows.append((lang, gold, pred, vocab))
    print(f"\nHELD-OUT set {name} ({HELDOUT.relative_to(ROOT)}/{name}_*; report only, never trained or tuned on), "
          f"fallback {threshold}/{ambiguity} applied; nlu_fallback on an out-of-scope line counts "
          f"as out_of_scope")
    for lang in ("ko", "en"):
        mine = [r for r in rows if r[0] == lang]
        gold_count = collections.Counter(r[1] for r in mine)
        pred_count = collections.Counter(r[2] for r in mine)
        hit = collections.Counter(g for _, g, p, _ in mine if g == p)
        print(f"\n[{lang}] held-out per-intent, n={len(mine)}")
        print(f"  {'intent':28s} {'prec':>6s} {'recall':>6s} {'n':>5s}")
        for intent in sorted(gold_count):
            p = hit[intent] / pred_count[intent] if pred_count[intent] else 0.0
            print(f"  {intent:28s} {p:6.3f} {hit[intent] / gold_count[intent]:6.3f} "
                  f"{gold_count[intent]:5d}")
        inscope = [r for r in mine if r[1] != "out_of_scope"]
        confused = collections.Counter((g, p) for _, g, p, _ in mine if g != p).most_common(8)
        print("  most confused (gold -> predicted): "
              + ", ".join(f"{g}->{p} {n}" for (g, p), n in confused))
        figures[f"held-out acc {lang}"] = sum(hit.values()) / len(mine)
        print(f"  accuracy {sum(hit.values()) / len(mine):.3f} (goal >= 0.95)   in-scope accuracy "
              f"{sum(g == p for _, g, p, _ in inscope) / len(inscope):.3f}   in-scope to fallback "
              f"{sum(p == 'nlu_fallback' for *_, p, _ in inscope) / len(inscope):.3f}")
    print("\nheld-out out-of-scope lines landing on a transactional intent (after fallback)")
    for lang in ("ko", "en", "all"):
        for vocab, what, goal in ((False, "everyday", ""), (True, "shares our vocabulary", "  goal <= 5%")):
            mine = [r for r in rows if r[1] == "out_of_scope" and r[3] == vocab
                    and lang in ("all", r[0])]
            landed = collections.Counter(r[2] for r in mine)
            bad = sum(landed[i] for i in TRANSACTIONAL)
            if vocab and lang != "all":
                figures[f"held-out oos-vocab->transactional {lang}"] = bad / max(1, len(mine))
            print(f"  {'[' + lang + ']':5s} {what:22s} n={len(mine):3d} transactional {bad:3d} "
                  f"({bad / max(1, len(mine)):.1%}){goal}  | by intent: "
                  + (", ".join(f"{i}={landed[i]}" for i in TRANSACTIONAL if landed[i]) or "-"))
    return figures


RSS_PROBE = r"""
import asyncio, logging, os, sys
sys.path.insert(0, os.getcwd())
logging.disable(logging.WARNING)
from rasa.core.agent import Agent

def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

before = rss_mb()
agent = Agent.load(sys.argv[1])
loop = asyncio.new_event_loop()
for text in ("안녕하세요", "I want to pay my parking fine", "이사해서 주소 바꾸려고요"):
    loop.run_until_complete(agent.parse_message(text))
print(f"{before:.1f} {rss_mb():.1f}")
"""


def rss_of(model_path: str) -> Tuple[float, float]:
    """RSS (MB) of a fresh Python process with Rasa imported, then with the model loaded and 3 parses done."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", RSS_PROBE, model_path], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, check=True)
    before, after = done.stdout.split()[-2:]
    return float(before), float(after)


def cv_figures(rows, threshold: float, ambiguity: float) -> Dict[str, float]:
    """Macro-F1 per language, in-scope accuracy and validation out-of-scope -> transactional, fallback applied."""
    figures = {}
    for lang in ("ko", "en"):
        pred = [(r[1], decide(r[2], threshold, ambiguity)) for r in rows if r[0] == lang]
        f1s = []
        for intent in sorted({g for g, _ in pred}):
            hit = sum(g == p == intent for g, p in pred)
            p = hit / max(1, sum(q == intent for _, q in pred))
            r = hit / sum(g == intent for g, _ in pred)
            f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        figures[f"macro-F1 {lang}"] = sum(f1s) / len(f1s)
    for lang in ("ko", "en", "all"):
        inscope = [r for r in rows if r[1] != "out_of_scope" and lang in ("all", r[0])]
        right = sum(decide(r[2], threshold, ambiguity) == r[1] for r in inscope)
        figures[f"in-scope acc {lang}"] = right / len(inscope)
    oos = [r for r in rows if r[1] == "out_of_scope"]
    figures["CV oos->transactional"] = sum(decide(r[2], threshold, ambiguity) in TRANSACTIONAL
                                           for r in oos) / max(1, len(oos))
    return figures


def evaluate(config: str, args, shared, examples, tmp: str) -> Dict[str, float]:
    """CV, out-of-scope test, latency, training time and the model's RSS for one config (prints the details)."""
    threshold, ambiguity = fallback_settings(config)
    print(f"\n=== {config}: FallbackClassifier threshold={threshold} ambiguity={ambiguity}")
    tag = Path(config).stem
    rows, fold_seconds = [], []
    for k, test_idx in enumerate(folds_of(examples, args.folds, args.seed)[: args.max_folds_run]):
        test_set = set(test_idx)
        model, seconds = train(config, shared, [m for i, (_, m) in enumerate(examples) if i not in test_set],
                               tmp, f"{tag}-fold{k}")
        fold_seconds.append(seconds)
        tests = [examples[i] for i in test_idx]
        parses = Parser(model).parse([m.get("text") for _, m in tests])
        rows += [(lang, m.get("intent"), top_of(p)) for (lang, m), p in zip(tests, parses)]
    report_cv(rows, threshold, ambiguity)
    report_thresholds(rows, ambiguity)
    figures = cv_figures(rows, threshold, ambiguity)
    model, seconds = train(config, shared, [m for _, m in examples], tmp, f"{tag}-full")
    parser = Parser(model)
    sample = oos_test_set(args.oos_sample, args.seed)
    parses = parser.parse([t for _, t in sample])
    for lang in ("en", "ko"):
        mine = [p for (lan, _), p in zip(sample, parses) if lan == lang]
        bad = sum(decide(top_of(p), threshold, ambiguity) in TRANSACTIONAL for p in mine)
        figures[f"test oos->transactional {lang}"] = bad / max(1, len(mine))
    ms = sorted(1000 * s for s in parser.seconds)
    figures["parse p50 ms"] = ms[len(ms) // 2]
    figures["parse p95 ms"] = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    figures["training s (all data)"] = seconds
    figures["training s (fold mean)"] = sum(fold_seconds) / len(fold_seconds)
    before, after = rss_of(model)
    figures["RSS with Rasa imported MB"], figures["RSS model loaded MB"] = before, after
    figures["RSS growth on load MB"] = after - before
    return figures


def compare(configs: Sequence[str], args, shared, examples) -> None:
    """The same folds, test sample and measures for each config, then one table (first config = today's)."""
    with tempfile.TemporaryDirectory(prefix="nlu-compare-") as tmp:
        results = [evaluate(config, args, shared, examples, tmp) for config in configs]
    names = [Path(c).name for c in configs]
    print(f"\ncomparison (3-fold CV = validation; test = CLINC150/3i4k samples, seed {args.seed})")
    print(f"  {'':30s}" + "".join(f"{n:>24s}" for n in names))
    for key in results[0]:
        decimals = 1 if key.endswith(("ms", "MB")) or key.startswith("training") else 3
        print(f"  {key:30s}" + "".join(f"{r[key]:>24.{decimals}f}" for r in results))
    for name, r in zip(names[1:], results[1:]):
        extra = r["RSS model loaded MB"] - results[0]["RSS model loaded MB"]
        print(f"  {name}: RSS with the model loaded {extra:+.1f} MB against {names[0]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default=str(ROOT / "config.yml"))
    ap.add_argument("--data", default=str(ROOT / "data" / "nlu"))
    ap.add_argument("--folds", type=int, default=3, help="cross-validation folds (0: skip)")
    ap.add_argument("--max-folds-run", type=int, default=3, help="run at most this many folds")
    ap.add_argument("--oos-sample", type=int, default=3000, help="test utterances (0: skip)")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--compare", nargs="+", metavar="CONFIG",
                    help="evaluate each config on the same folds and test sample, then one table (first = baseline)")
    ap.add_argument("--heldout-only", action="store_true",
                    help="only the held-out report, with --heldout-model (no training)")
    ap.add_argument("--heldout-model", default=str(ROOT / "models" / "minwon.tar.gz"),
                    help="model archive for --heldout-only")
    ap.add_argument("--no-heldout", action="store_true", help="skip the held-out report")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines
    os.chdir(ROOT)  # minwon_nlu must be importable for the custom components

    threshold, ambiguity = fallback_settings(args.config)
    print(f"config {args.config}: FallbackClassifier threshold={threshold} ambiguity={ambiguity}")
    if args.heldout_only:
        parser = Parser(args.heldout_model)
        print(f"model {args.heldout_model} loaded in {parser.load_seconds:.1f} s")
        for name in HELDOUT_SETS:
            report_heldout(parser, heldout_set(name), threshold, ambiguity, name)
        return
    shared, examples = load_examples(Path(args.data))
    print(f"examples: {collections.Counter(said_in for said_in, _ in examples)}")
    if args.compare:
        compare(args.compare, args, shared, examples)
        return
    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp:
        if args.folds >= 2:
            rows = []
            folds = folds_of(examples, args.folds, args.seed)
            for k, test_idx in enumerate(folds[: args.max_folds_run]):
                test_set = set(test_idx)
                train_msgs = [m for i, (_, m) in enumerate(examples) if i not in test_set]
                model, seconds = train(args.config, shared, train_msgs, tmp, f"fold{k}")
                parser = Parser(model)
                tests = [examples[i] for i in test_idx]
                parses = parser.parse([m.get("text") for _, m in tests])
                rows += [(said_in, m.get("intent"), top_of(p)) for (said_in, m), p in zip(tests, parses)]
                print(f"fold {k + 1}/{args.folds}: trained on {len(train_msgs)} in {seconds:.1f} s,"
                      f" tested {len(tests)}")
            report_cv(rows, threshold, ambiguity)
            report_thresholds(rows, ambiguity)
        if args.oos_sample > 0:
            model, seconds = train(args.config, shared, [m for _, m in examples], tmp, "full")
            parser = Parser(model)
            print(f"\nfull NLU model: trained on {len(examples)} examples in {seconds:.1f} s, "
                  f"loaded in {parser.load_seconds:.1f} s")
            sample = oos_test_set(args.oos_sample, args.seed)
            started = time.perf_counter()
            report_oos(parser, sample, threshold, ambiguity)
            print(f"  parsed {len(sample)} in {time.perf_counter() - started:.1f} s; "
                  f"NLU parse per message {parser.latency()}")
        if not args.no_heldout:
            if args.oos_sample <= 0:  # the full model above is trained for the OOS test only
                model, _ = train(args.config, shared, [m for _, m in examples], tmp, "full")
                parser = Parser(model)
            for name in HELDOUT_SETS:
                report_heldout(parser, heldout_set(name), threshold, ambiguity, name)


if __name__ == "__main__":
    main()
