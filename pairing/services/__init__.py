"""Multi-row changes, one module per aggregate. Import from the module that owns the change."""
