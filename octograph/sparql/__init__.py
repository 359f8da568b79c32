"""Query text and answers: the lexer, parameter binding, results, named questions."""
