"""The public pages, one module per page family; lookups.py holds what they share."""
