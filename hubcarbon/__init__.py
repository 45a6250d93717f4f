"""hubcarbon: a warehouse of how Hugging Face Hub models report their training carbon footprint."""
