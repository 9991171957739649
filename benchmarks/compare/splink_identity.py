"""Splink (DuckDB backend) resolves a benchmark world's records, and is scored against the world's truth.csv the
way `portrait identity evaluate` scores Portrait: pairwise precision, recall and F1 over the records in both.

Usage: splink_identity.py RECORDS.jsonl TRUTH.csv
RECORDS.jsonl is `portrait export records --format jsonl` of the world's store: the same mapped records (names
split, emails lower-cased, phones in E.164, dates as ISO dates) that Portrait resolved, so both start from one
normalisation. Only records that truth.csv lists are used. Splink is given one row per record: name (given and
family, or the full name), email, phone, member card, birth date and city of the person the record is about (a
customer, an order's customer, a feedback's respondent); a trained Fellegi-Sunter model (u by random sampling, m
by EM on two blocks, the prior from exact email and member-card matches at an assumed recall of 0.6), predictions
from five blocking rules, and connected components at match probability 0.9.
The time covers Splink alone: from loading the rows into DuckDB to the clusters (reading the export and scoring
are not in it).
Prints one line: case, records, unit, seconds, peak RSS KiB, note (tab-separated), as benchmarks/lib.sh's figures.
"""

import collections
import csv
import json
import logging
import resource
import sys
import time

import splink
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

logging.getLogger("splink").setLevel(logging.ERROR)


def person(record: dict) -> dict:
    canonical = record["canonical"]
    return canonical.get("customer") or canonical.get("respondent") or canonical


def row(key: str, subject: dict) -> dict:
    identifiers: dict[str, str] = {}
    for identifier in subject.get("identifiers", []):
        identifiers.setdefault(identifier.get("type"), identifier.get("value"))
    name = subject.get("name") or {}
    parts = [name.get("given"), name.get("family")] if name.get("given") or name.get("family") else [name.get("full")]
    text = " ".join(p for p in parts if p).lower()
    return {
        "unique_id": key,
        "name": " ".join(text.split()) or None,
        "email": identifiers.get("email"),
        "phone": identifiers.get("phone"),
        "member_card": identifiers.get("member_card"),
        "birth_date": subject.get("birth_date"),
        "city": (subject.get("address") or {}).get("city"),
    }


def main() -> None:
    records_path, truth_path = sys.argv[1:3]
    truth = {}
    with open(truth_path, encoding="utf-8") as file:
        for line in csv.DictReader(file):
            truth[f"{line['connector']}|{line['stream']}|{line['source_id']}"] = line["person_id"]
    columns: dict[str, list] = collections.defaultdict(list)
    with open(records_path, encoding="utf-8") as file:
        for line in file:
            record = json.loads(line)
            key = f"{record['connector']}|{record['stream']}|{record['source_id']}"
            if key in truth and not record.get("deleted"):
                for column, value in row(key, person(record)).items():
                    columns[column].append(value)
    count = len(columns["unique_id"])
    if count == 0:
        sys.exit("splink_identity.py: no record of the export is in truth.csv")

    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("email"), block_on("phone"), block_on("member_card"),
            block_on("name", "birth_date"), block_on("name", "city"),
        ],
        comparisons=[
            cl.NameComparison("name"),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("member_card"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("city"),
        ],
        retain_matching_columns=False,
    )
    start = time.monotonic()
    api = DuckDBAPI()
    linker = Linker(api.register(dict(columns)), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("member_card")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    assignment = clusters.as_dict()
    seconds = time.monotonic() - start
    pairs = predictions.query_sql("SELECT count(*) AS n FROM {this}").as_record_list()[0]["n"]

    # Pairwise scores, as `portrait identity evaluate`: pairs of records put together, against pairs truly together.
    def together(groups: collections.Counter) -> int:
        return sum(n * (n - 1) // 2 for n in groups.values())

    predicted = collections.Counter(assignment["cluster_id"])
    actual = collections.Counter(truth[key] for key in assignment["unique_id"])
    both = collections.Counter(zip(assignment["cluster_id"], (truth[key] for key in assignment["unique_id"])))
    true_positive, predicted_pairs, true_pairs = together(both), together(predicted), together(actual)
    precision = true_positive / predicted_pairs if predicted_pairs else 1.0
    recall = true_positive / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"Splink {splink.__version__} (DuckDB): train, predict, cluster at 0.9\t{count}\tobservations\t{seconds}\t{rss}\t"
          f"{pairs:,} pairs scored above 0.5, {len(predicted):,} clusters (true {len(actual):,}), "
          f"precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f}")


if __name__ == "__main__":
    main()
