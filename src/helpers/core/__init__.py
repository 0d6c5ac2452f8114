"""Foundations shared by every concern: configuration (paths, data files, environment: config), the project's
exceptions (errors), atomic storage (storage), text normalisation (text), French number and date formats
(formats), the CSV encoding and separator sniffer (sniff), notebook parameters and their check (parameters)
and the processed-table format (tables: CSV, Parquet, XLSX, datapackage)."""
