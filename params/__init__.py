"""The default params, shipped inside the installed package as qa_lib.default_params (see pyproject.toml)."""
