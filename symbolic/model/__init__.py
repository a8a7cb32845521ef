"""Stage 3, model: the elementary functions, tensors, networks and contexts, and the
notation resolvers that give parsed names their meaning in a context."""
