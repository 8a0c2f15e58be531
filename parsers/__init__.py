"""Pure parsers: bytes in, `Report` out. No network, no database."""
from parsers.record import Problem, Report

__all__ = ["Problem", "Report"]
