"""ASTCT 2019 grading of CRS and ICANS."""
