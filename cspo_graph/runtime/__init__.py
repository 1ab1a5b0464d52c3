"""What every command runs under: the network guard, time limits and atomic writes."""
