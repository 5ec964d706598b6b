# Builds data/common-words/en.txt and ko.txt: the everyday words of English and Korean, most
# common first, that the description guard (src/service/visibility.rs) does not count as
# pointing at one business. A word of a hidden name that is not among them ("Snorkelwhistle",
# "Veasna") is refused in the business's own description.
#
# Source: the "small" word lists of wordfreq 3.1.1 (Robyn Speer; PyPI wheel
# wordfreq-3.1.1-py3-none-any.whl, sha256
# 4b1c6ecffc6198be3396d5cf871c4423ca71c907c231348d352dd54d62b97473): every word read at least
# once per million words of its sources (Wikipedia, subtitles, news, books, web text, Twitter,
# Reddit). The lists are CC BY-SA 4.0 (wordfreq's README, "License"); these files are
# extracts of them under the same licence.
#
# Rebuild:
#   pip download wordfreq==3.1.1 --no-deps -d /tmp/wf && (cd /tmp/wf && unzip -o -q wordfreq-3.1.1-py3-none-any.whl)
#   pip install msgpack && python3 data/common-words/build.py /tmp/wf/wordfreq/data
import gzip
import os
import re
import sys

import msgpack

KEEP = {
    # Latin letters only, three or more (shorter words of a name are never told apart).
    "en": re.compile(r"[a-z]{3,}"),
    # Hangul syllables only: one-syllable ones too, for the stems of adjectives and verbs that
    # wordfreq lists apart from their endings (좋 of 좋은).
    "ko": re.compile(r"[가-힣]+"),
}


def main(folder):
    here = os.path.dirname(os.path.abspath(__file__))
    for lang, keep in KEEP.items():
        with gzip.open(os.path.join(folder, f"small_{lang}.msgpack.gz")) as f:
            bins = msgpack.unpackb(f.read(), raw=False)
        # bins[0] is the header; bins[i] holds the words read 10^(-i/100) times per word.
        words, seen = [], set()
        for b in bins[1:]:
            for w in b:
                if keep.fullmatch(w) and w not in seen:
                    seen.add(w)
                    words.append(w)
        out = os.path.join(here, f"{lang}.txt")
        with open(out, "w", encoding="utf-8") as f:
            f.write(
                f"# {len(words)} common {lang} words, most common first: wordfreq 3.1.1's small "
                f"list (CC BY-SA 4.0), built by data/common-words/build.py (its header says how)\n"
            )
            for w in words:
                f.write(w + "\n")
        print(f"{out}: {len(words)} words")


if __name__ == "__main__":
    main(sys.argv[1])
