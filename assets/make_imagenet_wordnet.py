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
  assets/make_imagenet_wordnet.py wn/usr/share/wordnet/data.noun \
      timm/data/_info/imagenet_synsets.txt > assets/imagenet-wordnet.tsv

Output, tab-separated:
  c <offset>                          one line per class, in class order
  s <offset> <parents> <words>        every synset on the way up: parents comma-separated,
                                      words |-separated (underscores become spaces)
"""
import sys


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
        parents = []
        for i in range(pointers):
            symbol, target, pos = rest[1 + 4 * i : 4 + 4 * i]
            if symbol in ("@", "@i") and pos == "n":
                parents.append(target)
        synsets[offset] = (parents, words)
    return synsets


def main():
    nouns = read_nouns(sys.argv[1])
    classes = [l.strip()[1:] for l in open(sys.argv[2]) if l.strip()]
    assert len(classes) == 1000, len(classes)
    needed, todo = set(), list(classes)
    while todo:
        offset = todo.pop()
        if offset in needed:
            continue
        needed.add(offset)
        todo.extend(nouns[offset][0])
    for offset in classes:
        print(f"c\t{offset}")
    for offset in sorted(needed):
        parents, words = nouns[offset]
        print(f"s\t{offset}\t{','.join(parents)}\t{'|'.join(words)}")


if __name__ == "__main__":
    main()
