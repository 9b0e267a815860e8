"""The content store: curated articles, exercises and helplines, loaded from YAML into the database."""
