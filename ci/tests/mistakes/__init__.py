"""Per chapter: right answers and typical mistakes for its checks (one module per chapter, named like its notebook)."""
