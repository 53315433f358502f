"""The executable report: one jupytext chapter per exercise, run by `python -m report`."""

CHAPTERS = ("autodiff", "adam", "cnn")  # in reading order; each is report/<name>.py
