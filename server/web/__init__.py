"""Pages: Jinja2 shells around vanilla ES modules, one per role."""
