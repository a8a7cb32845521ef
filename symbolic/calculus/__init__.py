"""Stage 5, calculus: index algebra, backpropagation in index notation (derive), the
all-sizes proof, and printing formulas in the author's names."""
