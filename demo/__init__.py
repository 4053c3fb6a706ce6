"""`make demo`: the main job end to end on one machine, printed as a short narrative."""
