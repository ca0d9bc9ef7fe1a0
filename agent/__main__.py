"""`python -m agent ...` is `sideman ...` (the benchmark starts the agent this way)."""

from agent.cli import main

main()
