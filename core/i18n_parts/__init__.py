"""Catalog entries by feature, merged into core.i18n.CATALOG (one catalog, one spelling per term)."""
