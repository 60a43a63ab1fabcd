"""Document building blocks shared by the generated documents (urging letters, periodic reports)."""
