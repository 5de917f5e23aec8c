"""Operations: backing the database up and restoring it (``manage.py backup`` / ``restore``)."""
