"""Reports: the tumour-board summary (PDF) and the plain-language patient summary."""
