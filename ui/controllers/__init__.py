"""Controllers: own a view, connect its signals, hold the conditional logic, call the core."""
