"""Local code and model folders: their content identity, as Azure ML computes it."""
