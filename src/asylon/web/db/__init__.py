"""Database backends of Asylon's own (Django ``ENGINE`` packages)."""
