"""Pieces the lesson views share: text alternatives for the charts (``describe``) and the accessibility layer (``a11y``)."""
