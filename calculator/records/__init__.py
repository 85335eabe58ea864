"""Case records: the case documents, the episode over time, and what is made from them."""
