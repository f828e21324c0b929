"""Osseous: decision support for the multidisciplinary care of bone metastases."""

__version__ = "0.1.0"
#: Version of the reviewed knowledge tables (primary sites, regimens, dose tables).
KNOWLEDGE_VERSION = "2026.11"
