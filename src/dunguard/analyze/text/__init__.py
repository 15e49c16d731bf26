"""Text detectors: normalisation, the lexicon automaton, context cues and the scanner.

The detection rules are data (``rulebooks/<jurisdiction>/lexicon/*.yaml``, one file per
label family); the modules here evaluate them.  Family checks that need more than a
pattern (who the reader is) live in small modules such as ``third_party.py``.
"""
