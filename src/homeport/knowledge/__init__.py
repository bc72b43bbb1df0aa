"""Knowledge bases: parse uploaded documents, chunk them by structure, embed, store and search."""
