"""Memory: stored conversations and long-term facts about users, on top of knowledge.store."""
