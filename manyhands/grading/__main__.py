"""``python -m manyhands.grading``: the grading command (see ``manyhands.grading.command``)."""

from manyhands.grading.command import main

raise SystemExit(main())
