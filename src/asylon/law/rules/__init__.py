"""One module per legal question; each rule's docstring cites the provision it applies."""
