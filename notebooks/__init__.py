"""The pack's notebooks, shipped inside the installed package as qa_lib.notebooks (see pyproject.toml)."""
