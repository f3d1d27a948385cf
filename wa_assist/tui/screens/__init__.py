"""The screens of the interface: interview, results, generate, search, help and entry details."""
