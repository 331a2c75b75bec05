"""Forms, one module per area (activities, demands, meetings and evaluations and reports)."""
