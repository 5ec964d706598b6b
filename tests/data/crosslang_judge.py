# Blind relevance judgments for the cross-language evaluation (run by hand; tests only read
# tests/data/crosslang_judged.tsv).
#
# Issue 11 asks that a query in one language find ">= 90% of the profiles that a bilingual reader
# would say match". crosslang_eval.py approximates that reader with a rule: the English sentence of
# a line contains one of the concept's English forms (by lemma), less the senses it lists as not the
# concept. The rule has two kinds of error that reading removes: it counts senses nobody listed
# ("rubber-faced" for rubber) and it misses lines that name the concept another way. This script
# lets a reader decide instead, blind to the system:
#
#   KHKR_CROSSLANG_FOUND=/tmp/found.tsv cargo test --lib eval_cross_language
#   python3 tests/data/crosslang_judge.py pool /tmp/found.tsv /tmp/judge [--judges 7]
#     -> /tmp/judge/batch_NN.jsonl, one item per line
#   (each judge writes /tmp/judge/batch_NN.judged.tsv: item<TAB>grade<TAB>why)
#   python3 tests/data/crosslang_judge.py merge /tmp/judge
#     -> tests/data/crosslang_judged.tsv, and the agreement between judges on the items judged twice
# After a glossary change finds lines nobody judged (the test prints "results not judged"):
#   python3 tests/data/crosslang_judge.py extend /tmp/found.tsv /tmp/judge   (-> /tmp/judge/new/)
#   (one judge writes /tmp/judge/new/batch.judged.tsv)
#   python3 tests/data/crosslang_judge.py add /tmp/judge
#
# The pool is every (concept, line) pair that the rule calls relevant and every pair that any of
# the six query directions found, shuffled with a fixed seed; an item does not say which of the two
# it came from, nor what the system did. Pairs outside the pool (no rule match, no result) count as
# not relevant, as in TREC pooling: a line that names a concept in words neither the rule nor the
# glossary knows is not in the recall's denominator. A tenth of the items go to two judges, under
# different item numbers, to measure agreement.
#
# The judges of tests/data/crosslang_judged.tsv were seven instances of an AI assistant (Claude),
# one batch each, given INSTRUCTIONS below and nothing about the system: an approximation of the
# bilingual reader, better than the lemma rule (they read the sense) and worse than a person who
# reads the Khmer and Korean lines (they read the English source only, so a translator's omission
# still counts against the system).
#
# A judge sees the concept (its id, English names and business domain from data/glossary.tsv), the
# English source sentence of the line (the Khmer and Korean lines are professional translations of
# it) and the sentences before and after it in the article, and grades:
#   2  the sentence mentions the concept itself (by any name or synonym), in the glossary's sense;
#   1  only a specific kind of it, or something that plainly involves it (a reader searching for
#      it would still accept the sentence);
#   0  it does not (another sense, an idiom, part of a proper name, or not there).
import collections
import json
import random
import sys

# What each judge was given, word for word (`pool` writes it next to the batches).
INSTRUCTIONS = '''# Relevance judging (blind)

You are a careful human-style relevance assessor for a search evaluation. Each item pairs a
business **concept** with one **English news sentence**. Decide whether a reader searching a
business directory for that concept would say this sentence matches.

Each line of your batch file is a JSON object:
- `item`: the item number (write it back exactly)
- `concept`: the concept's id; `names`: its English names, " | "-separated; `domain`: its business domain
  (this tells you which sense is meant: "capital" in Finance means money, not a city; "cable" in
  Electronics means a wire/cable product; "tour" in Tourism means a trip, not a golf tour ... use judgment)
- `sentence`: THE sentence to judge
- `before` / `after`: the neighbouring sentences of the same article (context only; may be empty)

Grades:
- **2** — the `sentence` itself mentions the concept itself, by one of its names or by a synonym or
  equivalent expression, in the sense the domain implies. (concept "rice", "rice farmers" → 2;
  concept "usa", "Washington announced" → 2 only if it plainly means the US government; concept
  "smartphone", "iPhone" → 2.)
- **1** — the sentence does not name it, but mentions only a specific kind of it or something that
  plainly involves it, so a searcher for it would still accept it (concept "vehicle", "a truck" → 1;
  concept "retail", "the supermarket cut prices" → 1).
- **0** — not about the concept: another sense of the word (rubber-faced, a golf "course" for training,
  "of course"), an idiom ("pipe dream" for pipe), part of a proper name that is not about the thing
  (Burt's Bees for bees, the Labour party for workers, "Interior Secretary" for interior design),
  or the concept is simply not in the sentence (it may be only in before/after: then 0).

Rules:
- Judge ONLY the `sentence`; before/after are there to understand it.
- You must read and decide every item yourself, by meaning. Do NOT write a program, regex or
  keyword rule that decides grades — word matching is exactly the error this judging exists to
  correct. Scripts are allowed only to read the file in chunks and to write/append your output.
- Be consistent and do not guess what a search system would do; there is no "right proportion".
- Output file: one line per item, tab-separated: `item<TAB>grade<TAB>a few words why` (the why
  may be short, e.g. "rice farmers", "golf course, not training", "not mentioned"). No header needed.
  Every item of your batch must appear exactly once.
- Work through the batch in chunks (e.g. 40 items at a time: read them, then append your 40
  judgments to the output file), so nothing is lost. Check at the end that the number of output
  lines equals the number of items and that every item number appears once.
'''

# The second round (2026-12-01): the HELD-OUT pairs judged again on the line in the language of
# the document a query finds (Khmer or Korean), not on its English source: the bar counts
# "the profiles that a bilingual reader would say match", and a translation can drop a mention
# ("the US National Cancer Institute" -> "the National Cancer Institute") or add one.
#   python3 tests/data/crosslang_judge.py pool-target /tmp/found.tsv /tmp/judge-target [--judges 8]
#   (each judge writes batch_NN.judged.tsv as before)
#   python3 tests/data/crosslang_judge.py merge-target /tmp/judge-target
#     -> tests/data/crosslang_judged_target.tsv
# The pool per language: every HELD-OUT pair the first round graded 1 or 2, and every HELD-OUT
# pair a query direction into that language found. The judge sees the concept (English names and
# domain) and the Khmer or Korean sentence with its neighbours in the same language, never the
# English source nor the other judgments.
INSTRUCTIONS_TARGET = '''# Relevance judging (blind), Khmer and Korean sentences

You are a careful relevance assessor for a search evaluation who reads Khmer and Korean. Each
item pairs a business **concept** (given in English) with one **Khmer or Korean news sentence**.
Decide whether a reader searching a business directory for that concept would say this sentence
matches. Read the sentence in its own language; there is no English version to look at.

Each line of your batch file is a JSON object:
- `item`: the item number (write it back exactly)
- `concept`: the concept's id; `names`: its English names, " | "-separated; `domain`: its business
  domain (this tells you which sense is meant: "capital" in Finance means money, not a city)
- `language`: "Khmer" or "Korean"
- `sentence`: THE sentence to judge, in that language
- `before` / `after`: the neighbouring sentences of the same article, same language (context only)

Grades:
- **2** — the `sentence` itself mentions the concept, by any word for it in that language (a
  synonym, a loanword, a transliteration, an abbreviation, another spelling), in the sense the
  domain implies (concept "usa": សហរដ្ឋអាមេរិក, អាមេរិក, 미국, 美 → 2; "Washington" used for the US
  government → 2).
- **1** — it does not name it, but mentions only a specific kind of it or something that plainly
  involves it, so a searcher for it would still accept the sentence (concept "vehicle", a truck
  → 1).
- **0** — not about the concept: another sense, an idiom, part of a proper name that is not
  about the thing, or simply not in this sentence (even if the news story is about it, and even if
  it is in before/after).

Rules:
- Judge ONLY the `sentence`; before/after are there to understand it.
- Decide every item yourself, by reading. Do NOT write a program, regex or keyword list that
  decides grades — word matching is exactly the error this judging exists to correct. Scripts are
  allowed only to read the file in chunks and to write/append your output.
- Be consistent; there is no "right proportion".
- Output file: one line per item, tab-separated: `item<TAB>grade<TAB>a few words why` (in English,
  e.g. "សហរដ្ឋអាមេរិក = US", "not mentioned"). No header. Every item exactly once.
- Work through the batch in chunks (e.g. 40 items: read, then append your 40 judgments), so
  nothing is lost. At the end check that the number of output lines equals the number of items and
  that every item number appears once.
'''
OUT_TARGET = 'tests/data/crosslang_judged_target.tsv'
EVAL = 'tests/data/crosslang_eval.json'
GLOSSARY = 'data/glossary.tsv'
OUT = 'tests/data/crosslang_judged.tsv'
SEED = 11


def glossary():
    concepts, domain = {}, None
    for row in open(GLOSSARY, encoding='utf-8'):
        row = row.rstrip('\n')
        if row.startswith('# --- '):
            domain = row[len('# --- '):].rstrip(' -')
            continue
        if not row or row.startswith('#'):
            continue
        cols = row.split('\t')
        concepts[cols[0]] = {'names': cols[1], 'domain': domain}
    return concepts


def pool(found_path, out_dir, judges):
    import os
    evaluation = json.load(open(EVAL, encoding='utf-8'))
    text = {d['line']: d for d in evaluation['docs']}
    pairs = {(q['concept'], line) for q in evaluation['queries'] for line in q['lines']}
    for row in open(found_path, encoding='utf-8'):
        row = row.rstrip('\n')
        if row:
            _, concept, line = row.split('\t')
            pairs.add((concept, int(line)))
    concepts = glossary()
    rng = random.Random(SEED)
    pairs = sorted(pairs)
    rng.shuffle(pairs)
    twice = pairs[: len(pairs) // 10]
    items = [(p, 0) for p in pairs] + [(p, 1) for p in twice]
    rng.shuffle(items)
    os.makedirs(out_dir, exist_ok=True)
    batches = [[] for _ in range(judges)]
    # A pair judged twice goes to two different judges: each copy by position, the later one
    # (whichever it is) moved on to the next judge when it would meet the earlier. (Until
    # 2026-12-01 only the second copy was checked, so 25 of the 272 pairs went to one judge
    # twice; `merge` counts agreement over pairs seen by two judges only.)
    where = {}
    for n, ((concept, line), copy) in enumerate(items, start=1):
        b = n % judges
        if where.get((concept, line)) == b:
            b = (b + 1) % judges
        where[(concept, line)] = b
        d = text[line]

        def around(k):
            o = text.get(line + k)
            return o['en'] if o and o['article'] == d['article'] else ''
        c = concepts[concept]
        batches[b].append({
            'item': n, 'concept': concept, 'names': c['names'], 'domain': c['domain'],
            'before': around(-1), 'sentence': d['en'], 'after': around(1),
            '_key': [concept, line],
        })
    write_batches(out_dir, batches, INSTRUCTIONS)
    print(f'{len(pairs)} pairs, {len(twice)} of them twice, in {judges} batches of '
          f'{min(map(len, batches))}-{max(map(len, batches))} items')


def write_batches(out_dir, batches, instructions):
    """The judges' files: batch_NN.jsonl without each item's `_key`, and the instructions; the
    key from item numbers to what they judge stays out of them, in key.json."""
    key = {}
    for b, batch in enumerate(batches):
        with open(f'{out_dir}/batch_{b:02}.jsonl', 'w', encoding='utf-8') as f:
            for item in batch:
                key[item['item']] = item.pop('_key')
                f.write(json.dumps(item, ensure_ascii=False) + '\n')
    with open(f'{out_dir}/INSTRUCTIONS.md', 'w', encoding='utf-8') as f:
        f.write(instructions)
    json.dump(key, open(f'{out_dir}/key.json', 'w'))


def pool_target(found_path, out_dir, judges):
    import os
    evaluation = json.load(open(EVAL, encoding='utf-8'))
    text = {d['line']: d for d in evaluation['docs']}
    first = {(r.split('\t')[0], int(r.split('\t')[1])): int(r.split('\t')[2])
             for r in open(OUT, encoding='utf-8')
             if not r.startswith('#') and not r.startswith('concept\t')}
    triples = set()
    for lang in ('km', 'ko'):
        triples |= {(c, l, lang) for (c, l), g in first.items()
                    if g >= 1 and text[l]['half'] == 'heldout'}
    for row in open(found_path, encoding='utf-8'):
        row = row.rstrip('\n')
        if row:
            direction, concept, line = row.split('\t')
            target = direction.split('>')[1]
            if target in ('km', 'ko') and text[int(line)]['half'] == 'heldout':
                triples.add((concept, int(line), target))
    concepts = glossary()
    rng = random.Random(SEED + 1)
    triples = sorted(triples)
    rng.shuffle(triples)
    twice = triples[: len(triples) // 10]
    items = [(t, 0) for t in triples] + [(t, 1) for t in twice]
    rng.shuffle(items)
    os.makedirs(out_dir, exist_ok=True)
    batches = [[] for _ in range(judges)]
    where = {}
    for n, (triple, _) in enumerate(items, start=1):
        concept, line, lang = triple
        b = n % judges
        if where.get(triple) == b:
            b = (b + 1) % judges
        where[triple] = b
        d = text[line]

        def around(k):
            o = text.get(line + k)
            return o[lang] if o and o['article'] == d['article'] else ''
        c = concepts[concept]
        batches[b].append({
            'item': n, 'concept': concept, 'names': c['names'], 'domain': c['domain'],
            'language': {'km': 'Khmer', 'ko': 'Korean'}[lang],
            'before': around(-1), 'sentence': d[lang], 'after': around(1),
            '_key': [concept, line, lang],
        })
    write_batches(out_dir, batches, INSTRUCTIONS_TARGET)
    print(f'{len(triples)} pairs, {len(twice)} of them twice, in {judges} batches of '
          f'{min(map(len, batches))}-{max(map(len, batches))} items')


def read_judged(out_dir):
    """Every judge's batch_NN.judged.tsv under `out_dir`, checked against key.json: what each
    item judges -> [(grade, why)], and -> the files that judged it."""
    import glob
    key = {int(k): tuple(v) for k, v in json.load(open(f'{out_dir}/key.json')).items()}
    grades = collections.defaultdict(list)
    judges_of = collections.defaultdict(list)
    seen = set()
    for path in sorted(glob.glob(f'{out_dir}/batch_*.judged.tsv')):
        for row in open(path, encoding='utf-8'):
            row = row.rstrip('\n')
            if not row or row.startswith('#') or row.startswith('item\t'):
                continue
            item, grade, why = (row.split('\t') + [''])[:3]
            item, grade = int(item), int(grade)
            assert grade in (0, 1, 2), (path, row)
            assert item in key and item not in seen, (path, row)
            seen.add(item)
            grades[key[item]].append((grade, ' '.join(why.split())))
            judges_of[key[item]].append(path)
    missing = set(key) - seen
    assert not missing, f'{len(missing)} items not judged, e.g. {sorted(missing)[:10]}'
    return grades, judges_of


def merge_target(out_dir):
    grades, judges_of = read_judged(out_dir)
    grades = {t: [g for g, _ in gs] for t, gs in grades.items()}
    double = [g for t, g in grades.items() if len(g) == 2 and len(set(judges_of[t])) == 2]
    same = sum(a == b for a, b in double)
    same_binary = sum((a == 2) == (b == 2) for a, b in double)
    k3, k2 = kappa(double, lambda g: g), kappa(double, lambda g: g == 2)
    # Agreement with the first round (the English source) on "mentions it".
    first = {(r.split('\t')[0], int(r.split('\t')[1])): int(r.split('\t')[2])
             for r in open(OUT, encoding='utf-8')
             if not r.startswith('#') and not r.startswith('concept\t')}
    both = [(first[(c, l)] == 2, min(g) == 2) for (c, l, _), g in grades.items() if (c, l) in first]
    agree = sum(a == b for a, b in both)
    print(f'{len(grades)} pairs; {len(double)} judged twice: same grade {same} (kappa {k3:.2f}), '
          f'same "mentions it" {same_binary} (kappa {k2:.2f}); "mentions it" as on the English '
          f'source: {agree} of {len(both)}')
    with open(OUT_TARGET, 'w', encoding='utf-8') as f:
        f.write('# Blind relevance judgments of HELD-OUT pairs of tests/data/crosslang_eval.json on the '
                'Khmer or Korean line itself, made by tests/data/crosslang_judge.py (pool-target).\n')
        f.write(f'# {len(double)} pairs were judged by two judges: the same grade {same} times (Cohen\'s '
                f'kappa {k3:.2f}), the same "mentions it" (2 or not) {same_binary} times (kappa '
                f'{k2:.2f}); the lower grade is kept. "Mentions it" as the first round judged the '
                f'English source: {agree} of {len(both)} pairs.\n')
        f.write('# Judges: instances of an AI assistant (Claude), each given one batch and '
                'INSTRUCTIONS_TARGET in that script, not the system\'s results nor the English '
                'source; not bilingual people.\n')
        f.write('# Under CC BY-SA 4.0, like the sentences it judges (NTREX-128).\n')
        f.write('concept\tline\tlang\tgrade\n')
        for (concept, line, lang), g in sorted(grades.items()):
            f.write(f'{concept}\t{line}\t{lang}\t{min(g)}\n')


def kappa(pairs, category):
    """Cohen's kappa of two judges' grades, read through `category`: agreement beyond chance."""
    pairs = [(category(a), category(b)) for a, b in pairs]
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    chance = sum(sum(a == c for a, _ in pairs) * sum(b == c for _, b in pairs)
                 for c in {x for p in pairs for x in p}) / (n * n)
    return (observed - chance) / (1 - chance)


def merge(out_dir):
    grades, judges_of = read_judged(out_dir)
    # Agreement between two judges: pairs whose two copies went to different batches.
    double = [[grade for grade, _ in g] for p, g in grades.items()
              if len(g) == 2 and len(set(judges_of[p])) == 2]
    same = sum(a == b for a, b in double)
    same_binary = sum((a == 2) == (b == 2) for a, b in double)
    k3, k2 = kappa(double, lambda g: g), kappa(double, lambda g: g == 2)
    print(f'{len(grades)} pairs; {len(double)} judged twice: same grade {same} (kappa {k3:.2f}), '
          f'same "mentions it" (2 or not) {same_binary} (kappa {k2:.2f})')
    with open(OUT, 'w', encoding='utf-8') as f:
        f.write('# Blind relevance judgments for tests/data/crosslang_eval.json, made by '
                'tests/data/crosslang_judge.py (see its header: the pool, the grades, the judges).\n')
        f.write(f'# {len(double)} pairs were judged by two judges: the same grade {same} times (Cohen\'s kappa '
                f'{k3:.2f}), the same "mentions it" (2 or not) {same_binary} times (kappa {k2:.2f}); '
                'the lower grade is kept.\n')
        f.write('# Judges: seven instances of an AI assistant (Claude), each given one batch and '
                'the INSTRUCTIONS in that script, not the system\'s results; not bilingual people.\n')
        f.write('# Under CC BY-SA 4.0, like the sentences it judges (NTREX-128).\n')
        f.write('# The judges\' reasons are kept for DEV lines only: HELD-OUT stays unread while the '
                'glossary is tuned.\n')
        f.write('concept\tline\tgrade\twhy (the judge\'s words)\n')
        half = {d['line']: d['half'] for d in json.load(open(EVAL, encoding='utf-8'))['docs']}
        for (concept, line), g in sorted(grades.items()):
            grade, why = min(g)
            why = why if half[line] == 'dev' else ''
            f.write(f'{concept}\t{line}\t{grade}\t{why}\n')


def extend(found_path, out_dir):
    """The results a later glossary finds that nobody judged yet, as one batch (new/batch.jsonl)
    for one judge; `add` appends the judged batch to the judgments."""
    import os
    evaluation = json.load(open(EVAL, encoding='utf-8'))
    text = {d['line']: d for d in evaluation['docs']}
    judged = {(r.split('\t')[0], int(r.split('\t')[1])) for r in open(OUT, encoding='utf-8')
              if not r.startswith('#') and not r.startswith('concept\t')}
    pairs = set()
    for row in open(found_path, encoding='utf-8'):
        row = row.rstrip('\n')
        if row:
            _, concept, line = row.split('\t')
            if (concept, int(line)) not in judged:
                pairs.add((concept, int(line)))
    concepts = glossary()
    os.makedirs(f'{out_dir}/new', exist_ok=True)
    key = {}
    with open(f'{out_dir}/new/batch.jsonl', 'w', encoding='utf-8') as f:
        for n, (concept, line) in enumerate(sorted(pairs), start=1):
            d = text[line]

            def around(k):
                o = text.get(line + k)
                return o['en'] if o and o['article'] == d['article'] else ''
            c = concepts[concept]
            f.write(json.dumps({
                'item': n, 'concept': concept, 'names': c['names'], 'domain': c['domain'],
                'before': around(-1), 'sentence': d['en'], 'after': around(1),
            }, ensure_ascii=False) + '\n')
            key[n] = [concept, line]
    json.dump(key, open(f'{out_dir}/new/key.json', 'w'))
    with open(f'{out_dir}/new/INSTRUCTIONS.md', 'w', encoding='utf-8') as f:
        f.write(INSTRUCTIONS)
    print(f'{len(pairs)} pairs not judged yet')


def add(out_dir):
    """Appends new/batch.judged.tsv (see `extend`) to the judgments, in order."""
    key = {int(k): tuple(v) for k, v in json.load(open(f'{out_dir}/new/key.json')).items()}
    half = {d['line']: d['half'] for d in json.load(open(EVAL, encoding='utf-8'))['docs']}
    head, rows = [], {}
    for r in open(OUT, encoding='utf-8'):
        if r.startswith('#') or r.startswith('concept\t'):
            head.append(r)
            continue
        c, l, rest = r.rstrip('\n').split('\t', 2)
        rows[(c, int(l))] = rest
    for r in open(f'{out_dir}/new/batch.judged.tsv', encoding='utf-8'):
        item, grade, why = (r.rstrip('\n').split('\t') + [''])[:3]
        assert int(grade) in (0, 1, 2), r
        concept, line = key[int(item)]
        why = ' '.join(why.split()) if half[line] == 'dev' else ''
        rows[(concept, line)] = f'{grade}\t{why}'
    if not any(h.startswith('# Later results') for h in head):
        head.insert(-1, '# Later results (pairs a later glossary found) were judged the same way, '
                        'by one judge each (`extend`, `add`).\n')
    with open(OUT, 'w', encoding='utf-8') as f:
        f.writelines(head)
        for (c, l), rest in sorted(rows.items()):
            f.write(f'{c}\t{l}\t{rest}\n')
    print(f'{len(key)} pairs added')


if __name__ == '__main__':
    if sys.argv[1] == 'extend':
        extend(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'add':
        add(sys.argv[2])
    elif sys.argv[1] == 'pool':
        judges = int(sys.argv[sys.argv.index('--judges') + 1]) if '--judges' in sys.argv else 7
        pool(sys.argv[2], sys.argv[3], judges)
    elif sys.argv[1] == 'merge':
        merge(sys.argv[2])
    elif sys.argv[1] == 'pool-target':
        judges = int(sys.argv[sys.argv.index('--judges') + 1]) if '--judges' in sys.argv else 8
        pool_target(sys.argv[2], sys.argv[3], judges)
    elif sys.argv[1] == 'merge-target':
        merge_target(sys.argv[2])
    else:
        sys.exit(__doc__)
