"""The graph as networkx, its rankings and paths, and the interactive HTML view."""
