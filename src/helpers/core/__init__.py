"""Foundations shared by every concern: configuration (paths, data files, environment), the project's
exceptions, atomic storage, text normalisation and the processed-table format (CSV, XLSX, datapackage)."""
