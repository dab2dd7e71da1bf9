"""Helpers behind the customer-classification course.

Every notebook cell mostly calls a function from one of these modules and shows the result.
Modules are named after what they do for the learner:

- :mod:`helpers.tables`      the course's data model (canonical tables, data dictionary)
- :mod:`helpers.simulate`    the seeded generator of the course's datasets
- :mod:`helpers.data.loading`  loading, mapping and validating a table from a CSV/Excel/Parquet file
- :mod:`helpers.data.quality`     data-quality report, cleaning and de-duplicating customer records
- :mod:`helpers.data.privacy`     masking, pseudonymising and role-based views
- :mod:`helpers.exercises`   ``check(...)`` for the exercises
- :mod:`helpers.course`      running, exporting and preparing the course for a workshop
"""

__version__ = "0.1.0"
