#!/usr/bin/env python3
"""Writes assets/imagenet-wordnet.tsv: the WordNet 3.0 noun hierarchy above the 1,000
ImageNet-1k classes, which Photo Atlas compiles in to answer searches such as "dog" or
"vehicle" and to name content groups ("Dogs", "Trucks").

Sources (both from package registries):
  * the class order: timm's timm/data/_info/imagenet_synsets.txt (PyPI `timm`, Apache-2.0),
    one WordNet id (n01440764) per class, in the network's output order;
  * the hierarchy and the words: WordNet 3.0's data.noun (Debian `wordnet-base`,
    Princeton's WordNet 3.0 license). An ImageNet id is "n" + a data.noun offset.

Usage:
  apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb wn
  pip download timm --no-deps && unzip -o timm-*.whl 'timm/data/_info/*'
  assets/make_imagenet_wordnet.py wn/usr/share/wordnet timm/data/_info/imagenet_synsets.txt \
      assets/imagenet-wordnet.tsv assets/wordnet-nouns.txt

Output, tab-separated (imagenet-wordnet.tsv):
  c <offset>                          one line per class, in class order
  s <offset> <parents> <words>        every synset on the way up: parents comma-separated,
                                      words |-separated (underscores become spaces)
  r <word> <offset>                   a noun whose most frequent sense has no class beneath
                                      it, and the nearest concept that has some (at most
                                      RELATED_MAX): what it is part or a member of ("beach"
                                      is part of "shore"), else what it is a kind of
                                      ("cathedral" is a church, a "puppy" a dog)
and wordnet-nouns.txt: every other one-word noun, one per line, so that a search for
"forest" can say that ImageNet has no class for it rather than that the word is unknown.
"""
import os
import sys

RELATED_MAX = 130
HOLONYMS = ("#p", "#m", "#s")


def read_nouns(path):
    synsets = {}
    for line in open(path, encoding="latin-1"):
        if line.startswith("  "):
            continue  # the license header
        fields = line.split(" | ")[0].split()
        offset, count = fields[0], int(fields[3], 16)
        words = [fields[4 + 2 * i].replace("_", " ") for i in range(count)]
        rest = fields[4 + 2 * count:]
        pointers = int(rest[0])
        parents, wholes = [], []
        for i in range(pointers):
            symbol, target, pos = rest[1 + 4 * i : 4 + 4 * i]
            if symbol in ("@", "@i") and pos == "n":
                parents.append(target)
            elif symbol in HOLONYMS and pos == "n":
                wholes.append(target)
        synsets[offset] = (parents, words, wholes)
    return synsets


def read_senses(path):
    """Each noun lemma (spaces for underscores) and its synsets, most frequent first."""
    senses = {}
    for line in open(path, encoding="latin-1"):
        if line.startswith("  "):
            continue
        fields = line.split()
        lemma, synset_count, pointer_count = fields[0], int(fields[2]), int(fields[3])
        offsets = fields[4 + pointer_count + 2 :]
        assert len(offsets) == synset_count, line
        senses[lemma.replace("_", " ")] = offsets
    return senses


def main():
    wordnet, synsets_file, table_out, nouns_out = sys.argv[1:5]
    nouns = read_nouns(os.path.join(wordnet, "data.noun"))
    senses = read_senses(os.path.join(wordnet, "index.noun"))
    classes = [l.strip()[1:] for l in open(synsets_file) if l.strip()]
    assert len(classes) == 1000, len(classes)
    under = {}
    for c in classes:
        todo, seen = [c], set()
        while todo:
            offset = todo.pop()
            if offset in seen:
                continue
            seen.add(offset)
            under.setdefault(offset, set()).add(c)
            todo.extend(nouns[offset][0])
    related, others = [], []
    for lemma, offsets in sorted(senses.items()):
        if any(o in under for o in offsets):
            continue
        parents, _, wholes = nouns[offsets[0]]
        near = [
            min(found, key=lambda o: len(under[o]))
            for found in (
                [o for o in links if o in under and len(under[o]) <= RELATED_MAX]
                for links in (wholes, parents)
            )
            if found
        ]
        if near:
            # What it is part of before what it is a kind of; the narrowest of each.
            related.append((lemma, near[0]))
        elif " " not in lemma and "-" not in lemma and lemma.isalpha():
            others.append(lemma)
    with open(table_out, "w") as out:
        for offset in classes:
            print(f"c\t{offset}", file=out)
        for offset in sorted(under):
            parents, words, _ = nouns[offset]
            print(f"s\t{offset}\t{','.join(parents)}\t{'|'.join(words)}", file=out)
        for lemma, offset in related:
            print(f"r\t{lemma}\t{offset}", file=out)
    with open(nouns_out, "w") as out:
        out.write("\n".join(others) + "\n")


if __name__ == "__main__":
    main()
