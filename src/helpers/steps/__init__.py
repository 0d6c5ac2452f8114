"""One module per notebook (s01 … s05): each exposes the function the notebook calls first, which reads its
inputs, computes and writes its outputs, and returns a Run holding everything the report shows."""
