"""The API's serializers of errors."""

from __future__ import annotations

from rest_framework import serializers

# Ids are 64-bit. A school filter larger than that is refused: Django guards a primary key's lookup
# against an integer the database cannot hold, but not a foreign key's (SQLite raises OverflowError).
MAX_ID = 2**63 - 1


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
