# Builds tests/data/khpos_eval.json, a Khmer search evaluation whose word boundaries were drawn
# by people, not by a segmenter (run by hand; tests only read the JSON).
#
# Source: the khPOS corpus, draft release 1.0 (github.com/ye-kyaw-thu/khPOS, commit 0211405):
# 12,000 Khmer sentences from news, economics and politics websites, word-segmented and
# POS-tagged by hand. Licence CC BY-NC-SA 4.0 (non-commercial), so the JSON this script writes is
# NOT committed: tests/data/khpos_eval.json is in .gitignore, and the test that reads it
# (`cargo test --lib eval_ranked_khmer -- --nocapture`) says SKIPPED when it is absent.
#
#   git -C <khPOS clone> show 0211405:corpus-draft-ver-1.0/data/after-replace/train.all2 > /tmp/khpos.txt
#   python3 tests/data/khpos_eval.py /tmp/khpos.txt
#
# Why a second gold: the UDHR evaluation (udhr_eval.py) takes its Khmer words from khmer-nltk,
# a CRF segmenter, so "a match inside a longer word" there means "inside a longer word as
# khmer-nltk cuts it". Here the words are the annotators'. khPOS marks compounds: `_` joins
# the words of a compound (ទទួល_បាន), `~` a prefix to its word (ការ~ប្រកួត). Two relevance rules
# are written, and the test reports both:
#   - `expect`: the document has the query as a word or as a word of a compound (ប្រកួត is found
#     in ការប្រកួត, បាន in ទទួលបាន): what a reader looking for the word would accept;
#   - `expect_whole`: only as a whole annotated word, compounds counted whole.
# The text of a document is its tokens joined with no space at all (the corpus does not keep
# where the writer put spaces), the hardest case for matching across word boundaries.
import json
import random
import re
import sys

from khmer_spelling import khmer_only, same_spelling, syllables

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/tmp/khpos.txt"
OUT = "tests/data/khpos_eval.json"


def words_of(token):
    """The whole word and the words of its compound, at every level the annotators marked."""
    whole = token.replace("\\~", "").replace("~", "").replace("_", "")
    out = {whole}
    for prefix_part in re.split(r"\\?~", token):
        out.add(prefix_part.replace("_", ""))
        out.update(prefix_part.split("_"))
    return whole, {w for w in out if w}


sentences = []
for line in open(SOURCE, encoding="utf-8"):
    tokens = []
    for item in line.split():
        word, _, tag = item.rpartition("/")
        if word:
            tokens.append((word, tag))
    # Prose only: the corpus also holds lists of names (voter and student lists), which are
    # not what profiles read like.
    names = sum(1 for _, t in tokens if t == "PN")
    if len(tokens) >= 8 and names * 3 < len(tokens):
        sentences.append(tokens)

rng = random.Random(11)
rng.shuffle(sentences)
sentences = sentences[:1000]

docs, whole_words, all_words = [], {}, {}
for i, tokens in enumerate(sentences):
    doc_id = f"km{i + 1:04}"
    text = "".join(w.replace("\\~", "").replace("~", "").replace("_", "") for w, _ in tokens)
    # The annotators' word boundaries as UTF-8 byte offsets into `text` (for the segmenter's
    # own measurement, `cargo test --lib eval_khmer_segmentation`): `cuts` between annotated
    # words, `inner_cuts` inside a marked compound (after a prefix, between its words).
    cuts, inner, at = [], [], 0
    for w, _ in tokens:
        parts = [p.replace("\\", "") for p in re.split(r"\\?~|_", w)]
        for k, part in enumerate(p for p in parts if p):
            if k > 0:
                inner.append(at)
            at += len(part.encode("utf-8"))
        cuts.append(at)
    if at != len(text.encode("utf-8")):
        raise SystemExit(f"{doc_id}: token offsets do not add up to the text")
    cuts = sorted(set(cuts[:-1]) - {0})
    inner = sorted(set(inner) - set(cuts) - {0})
    docs.append({"id": doc_id, "text": text, "cuts": cuts, "inner_cuts": inner})
    wholes, parts = set(), set()
    for w, _ in tokens:
        whole, words = words_of(w)
        wholes.add(whole)
        parts |= words
    whole_words[doc_id] = {same_spelling(w) for w in wholes}
    all_words[doc_id] = {same_spelling(w) for w in parts}

vocab = sorted({w for s in whole_words.values() for w in s if khmer_only(w)})
# (The vocabulary is sampled in the single spelling; the query is that spelling.)
one = [w for w in vocab if syllables(w) == 1]
more = [w for w in vocab if syllables(w) >= 2]
rng.shuffle(one)
rng.shuffle(more)
queries = []
for w in sorted(one[:60]) + sorted(more[:200]):
    queries.append({
        "lang": "km",
        "type": "km 1 syllable" if syllables(w) == 1 else "km 2+ syllables",
        "q": w,
        "expect": sorted(d for d, s in all_words.items() if w in s),
        "expect_whole": sorted(d for d, s in whole_words.items() if w in s),
    })

about = (
    "Khmer search evaluation with word boundaries drawn by people: 1,000 prose sentences "
    "(8 or more tokens, fewer than a third proper names; seed 11) of the khPOS corpus draft 1.0 "
    "(github.com/ye-kyaw-thu/khPOS commit 0211405, manually word-segmented and POS-tagged; "
    "CC BY-NC-SA 4.0, so this file is not committed). One document per sentence, its tokens "
    "joined with no space. Queries: 60 one-syllable and 200 longer annotated words (seed 11). "
    "Spellings that render the same count as one word (subscript DA/TA, subscript RO order, "
    "two-piece vowels). `expect`: documents holding the query as a word or as a word of a marked compound; "
    "`expect_whole`: as a whole annotated word only. Built by tests/data/khpos_eval.py."
)
with open(OUT, "w", encoding="utf-8") as f:
    json.dump({"about": about, "docs": docs, "queries": queries}, f, ensure_ascii=False, indent=0)
print(f"{OUT}: {len(docs)} documents, {len(queries)} queries")
