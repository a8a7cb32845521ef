"""gradproof numeric side: compile formulas to numpy, finite differences, training."""
