"""Many Hands: the Python package the course notebooks import.

Modules:
- ``data``: load the course datasets, validated against ``datasets/datapackage.json``;
  look up references.
- ``charts``: the shared plotly template (colour-blind-safe palette, titles, units, source line).
- ``feedback``: checks for learners' answers that explain what is wrong without revealing the answer.
- ``claims``: the claim sorter's model (pure functions) for lesson 00.
- ``records``: the learner's records (positions, grids, ledgers) in one visible file to download and upload.
- ``stance``: the learner's "where do you stand" record, kept in the records file.
- ``widgets``: thin ipywidgets + plotly views over the models.
- ``static``: the views as plain HTML, for the course's website (only when ``MANYHANDS_STATIC`` is set).
"""

__version__ = "0.1.0"

from . import static as _static  # imports nothing heavy; installs only for the website's build

if _static.active():
    _static.install()
